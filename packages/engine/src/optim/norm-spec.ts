import { DomainError } from '../errors.js';
import { columnNorm, rmsToRms, rowNorm, type SpectralOptions, spectral } from './matrix-norms.js';
import type { Norm } from './norm.js';
import { quadratic } from './quadratic-norm.js';
import { maxComposite, sumComposite } from './composite-norms.js';
import { l1, l2, linf, lp, rms } from './vector-norms.js';

/** Plain-data description of a norm (JSON- and structured-clone-safe), e.g. `{name: 'lp', p: 3}`. */
export type NormSpec =
  | { name: 'l2' }
  | { name: 'linf' }
  | { name: 'l1' }
  | { name: 'lp'; p: number }
  | { name: 'rms' }
  | ({ name: 'spectral' } & SpectralOptions)
  | ({ name: 'rmsToRms' } & SpectralOptions)
  | { name: 'columnNorm'; p?: number }
  | { name: 'rowNorm'; p?: number }
  | { name: 'quadratic'; matrix: readonly (readonly number[])[] }
  | { name: 'quadratic'; diagonal: readonly number[] }
  | { name: 'max' | 'sum'; parts: readonly { norm: NormSpec; scale?: number; leaves?: number }[] };

export function normFromSpec(spec: NormSpec): Norm {
  if (spec === null || typeof spec !== 'object' || typeof spec.name !== 'string')
    throw new DomainError('normFromSpec', `expected a norm spec like {name: 'l2'}, got ${JSON.stringify(spec)}`);
  switch (spec.name) {
    case 'l2':
      return l2();
    case 'linf':
      return linf();
    case 'l1':
      return l1();
    case 'lp':
      return lp(spec.p);
    case 'rms':
      return rms();
    case 'spectral': {
      const { name: _, ...options } = spec;
      return spectral(options);
    }
    case 'rmsToRms': {
      const { name: _, ...options } = spec;
      return rmsToRms(options);
    }
    case 'columnNorm':
      return columnNorm({ p: spec.p ?? 2 });
    case 'rowNorm':
      return rowNorm({ p: spec.p ?? 2 });
    case 'quadratic':
      return quadratic(spec);
    case 'max':
    case 'sum': {
      const parts = spec.parts.map((p) => ({ norm: normFromSpec(p.norm), scale: p.scale ?? 1, leaves: p.leaves ?? 1 }));
      return spec.name === 'max' ? maxComposite(parts) : sumComposite(parts);
    }
    default:
      throw new DomainError('normFromSpec', `unknown norm '${(spec as { name: string }).name}'`);
  }
}
