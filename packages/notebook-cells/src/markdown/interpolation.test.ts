// biome-ignore-all lint/suspicious/noTemplateCurlyInString: the subject is Markdown's ${…} syntax, in plain strings.
import { describe, expect, it } from 'vitest';
import { joinInterpolations, splitInterpolations } from './interpolation.js';

describe('Markdown interpolation', () => {
  it('splits at ${…} with nested braces and braces inside strings', () => {
    const parts = splitInterpolations('a ${x} b ${ {k: 1}.k } c ${"}" + `{`} d');
    expect(parts.expressions).toEqual(['x', ' {k: 1}.k ', '"}" + `{`']);
    expect(parts.text).toEqual(['a ', ' b ', ' c ', ' d']);
  });

  it('leaves text without expressions, and an unclosed ${, alone', () => {
    expect(splitInterpolations('$x$ costs $5')).toEqual({ text: ['$x$ costs $5'], expressions: [] });
    expect(splitInterpolations('open ${ never closed')).toEqual({ text: ['open ${ never closed'], expressions: [] });
  });

  it('joins values back as text: numbers to 6 digits, arrays as lists', () => {
    const parts = splitInterpolations('f = ${a}, x = ${b}, n = ${c}');
    expect(joinInterpolations(parts, [Math.PI, new Float64Array([0.5, 2]), 3])).toBe('f = 3.14159, x = [0.5, 2], n = 3');
    // Stale extra values (the source lost an expression) are not appended.
    expect(joinInterpolations(splitInterpolations('no expressions'), [1, 2])).toBe('no expressions');
  });
});
