import { describe, expect, it } from 'vitest';
import { DEFAULT_SETTINGS, optimizerSpec, parseDescentSettings, runLabel, serializeDescentSettings } from './descent-settings.js';

describe('descent settings', () => {
  it('fill missing fields with defaults and survive a JSON round trip', () => {
    expect(parseDescentSettings('')).toEqual(DEFAULT_SETTINGS);
    const settings = parseDescentSettings('{"steps": 50, "runs": [{"optimizer": "steepestDescent", "norm": "linf", "lr": 0.1}]}');
    expect(settings).toEqual({ start: DEFAULT_SETTINGS.start, steps: 50, runs: [{ optimizer: 'steepestDescent', norm: 'linf', lr: 0.1 }] });
    expect(parseDescentSettings(serializeDescentSettings(settings))).toEqual(settings);
  });

  it('refuse what cannot run, saying why', () => {
    expect(() => parseDescentSettings('{')).toThrow(/not JSON/);
    expect(() => parseDescentSettings('{"steps": 0}')).toThrow(/steps/);
    expect(() => parseDescentSettings('{"start": ["a"]}')).toThrow(/start/);
    expect(() => parseDescentSettings('{"runs": []}')).toThrow(/at least one/);
    expect(() => parseDescentSettings('{"runs": [{"optimizer": "newton", "lr": 1}]}')).toThrow(/Unknown optimizer "newton"/);
    expect(() => parseDescentSettings('{"runs": [{"optimizer": "sgd", "lr": -1}]}')).toThrow(/positive/);
    expect(() => parseDescentSettings('{"runs": [{"optimizer": "steepestDescent", "norm": "l7", "lr": 1}]}')).toThrow(/Unknown norm/);
  });

  it('map to the engine optimizer specs and readable labels', () => {
    expect(optimizerSpec({ optimizer: 'adam', lr: 0.01 })).toEqual({ name: 'adam', lr: 0.01 });
    expect(optimizerSpec({ optimizer: 'steepestDescent', norm: 'l1', lr: 0.5 })).toEqual({ name: 'steepestDescent', norm: { name: 'l1' }, lr: 0.5 });
    expect(optimizerSpec({ optimizer: 'steepestDescent', lr: 0.5 })).toEqual({ name: 'steepestDescent', norm: { name: 'l2' }, lr: 0.5 });
    expect(optimizerSpec({ optimizer: 'lbfgs', lr: 1 })).toEqual({ name: 'lbfgs' });
    expect(runLabel({ optimizer: 'steepestDescent', norm: 'linf', lr: 0.0123456 })).toBe('steepest ℓ∞ η=0.0123');
    expect(runLabel({ optimizer: 'lbfgs', lr: 1 })).toBe('lbfgs');
  });
});
