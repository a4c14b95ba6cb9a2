import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { EngineError } from '../errors.js';
import { compileLoss } from './define.js';
import { rewriteSource } from './rewrite.js';
import { createOperatorRuntime } from './runtime.js';
import { TinyDual, tinyDualBackend } from './tiny-dual-backend.js';

const runtime = createOperatorRuntime(tinyDualBackend);
let counter = 0;
const compile = (source: string) => compileLoss(source, runtime, `t${counter++}`);

/** Value and ∂f/∂x_i by seeding a dual number in slot i (forward mode through the rewritten code). */
function valueAndPartial(source: string, x: number[], i: number): [number, number] {
  const { fn } = compile(source);
  const out = fn(x.map((v, j) => (j === i ? new TinyDual(v, 1) : v)));
  return out instanceof TinyDual ? [out.re, out.eps] : [out as number, 0];
}

function centralDifference(source: string, x: number[], i: number, h = 1e-6): number {
  const { fn } = compile(source);
  const at = (d: number) => fn(x.map((v, j) => (j === i ? v + d : v))) as number;
  return (at(h) - at(-h)) / (2 * h);
}

function compileError(source: string): EngineError {
  try {
    compile(source);
  } catch (error) {
    expect(error).toBeInstanceOf(EngineError);
    return error as EngineError;
  }
  throw new Error('expected a compile error');
}

describe('the notes’ f(x1, x2) = ln x1 + x1 x2 − sin x2 at (2, 5)', () => {
  const f = 'x => Math.log(x[0]) + x[0] * x[1] - Math.sin(x[1])';

  it('has the value of the notes’ primal trace', () => {
    expect(compile(f).fn([2, 5])).toBe(Math.log(2) + 2 * 5 - Math.sin(5));
  });

  it('has the analytic partial derivatives 1/x1 + x2 and x1 − cos x2', () => {
    expect(valueAndPartial(f, [2, 5], 0)).toEqual([Math.log(2) + 10 - Math.sin(5), 1 / 2 + 5]);
    expect(valueAndPartial(f, [2, 5], 1)[1]).toBe(2 - Math.cos(5));
  });
});

describe('blocks with helpers, loops, branches and **', () => {
  const block = `
    function square(v) { return v ** 2; }
    const weight = 3;
    function loss(x) {
      let s = 0;
      for (let i = 0; i < x.length; i++) {
        if (x[i] > 0) s += square(x[i]);
        else s -= x[i] * weight;
      }
      let k = 0;
      while (k < 2) { s *= 1.5; k += 1; }
      return s;
    }`;

  it('differentiates every branch taken by the primal values', () => {
    const x = [1.5, -2, 0.25];
    for (let i = 0; i < x.length; i++) {
      const expected = 2.25 * (x[i]! > 0 ? 2 * x[i]! : -3);
      expect(valueAndPartial(block, x, i)[1]).toBeCloseTo(expected, 12);
    }
    expect(compile(block).fn(x)).toBe(2.25 * (1.5 ** 2 + 6 + 0.25 ** 2));
  });

  it('accepts an anonymous function expression', () => {
    expect(valueAndPartial('function (x) { return x[0] * x[0] * x[0]; }', [2], 0)).toEqual([8, 12]);
  });

  it('returns the last expression of a program', () => {
    expect(compile('const c = 2;\n(x) => c * x[0]').fn([4])).toBe(8);
  });
});

describe('plain JavaScript keeps its meaning', () => {
  it('concatenates strings and indexes arrays', () => {
    const { fn } = compile("x => { const parts = ['a' + 'b', x.length + 'c']; return parts[0] + parts[1] + x[x.length - 1]; }");
    expect(fn([7, 8])).toBe('ab2c8');
  });

  it('keeps prefix and postfix increment results, on names and members', () => {
    const { fn } = compile(
      'x => { let i = 0; const a = i++; const b = ++i; const o = { n: 5, s: "1" }; const c = o.n--; const d = --o.n; const e = o.s++; return [i, a, b, o.n, c, d, e, o.s]; }',
    );
    expect(fn([])).toEqual([2, 0, 2, 3, 5, 3, 1, 2]);
  });

  it('evaluates the target of a compound member assignment once', () => {
    const { fn } = compile('x => { const a = [1, 2, 3]; let i = 0; a[i++] += 10; a[i++] **= 3; return [a, i]; }');
    expect(fn([])).toEqual([[11, 8, 3], 2]);
  });

  it('compares with == and === like JavaScript on non-numbers', () => {
    const { fn } = compile("x => [null == undefined, null === undefined, '1' == 1, 'a' !== 'a', x[0] === 1]");
    expect(fn([1])).toEqual([true, false, true, false, true]);
  });

  it('keeps the meaning of assorted syntax (classes, generators, switch, destructuring, templates, labels)', () => {
    const source = `
      class Acc { #s = 0; #n = 0; add(v = 1) { this.#s += v * 2; this.#n++; ++this.#n; return this; } get total() { return this.#s + this.#n; } }
      function* pairs(xs) { for (let i = 0; i + 1 < xs.length; i += 2) yield [xs[i], xs[i + 1]]; }
      function loss(x, { scale = 3 } = {}) {
        const acc = new Acc();
        for (const [a, b] of pairs(x)) acc.add(a * b);
        const [first, ...rest] = x;
        let kind;
        switch (x.length % 3) { case 0: kind = 'zero'; break; case 1: kind = 'one'; break; default: kind = 'two'; }
        let found = -1;
        outer: for (let i = 0; i < x.length; i++) for (let j = 0; j < i; j++) if (x[i] === x[j] * 2) { found = i * 10 + j; break outer; }
        let caught;
        try { null.f(); } catch (e) { caught = e instanceof TypeError; }
        const o = { n: first, m() { return this.n ** 2; }, [\`k\${rest.length + 1}\`]: -rest[0] };
        return [acc.total * scale, Math.max(...x), kind, found, caught, o.m(), o.k4, \`\${first + 1}/\${rest.length}\`, typeof o, x?.[9] ?? 'none', +'4' - -'1'];
      }`;
    const native = new Function(`${source}; return loss;`)()([1, 2, 4, 8]);
    expect(compile(source).fn([1, 2, 4, 8])).toEqual(native);
    expect(native).toEqual([216, 8, 'one', 10, true, 1, -2, '2/3', 'object', 'none', 5]);
  });

  it('agrees with native evaluation on random arithmetic over plain numbers', () => {
    const ops = ['+', '-', '*', '/', '%', '**', '<', '>=', '===', '!=', '&&', '||', '??'];
    const expr: fc.Arbitrary<string> = fc.letrec<{ e: string }>((tie) => ({
      e: fc.oneof(
        { depthSize: 'small' },
        fc.constantFrom('x[0]', 'x[1]', '2', '0.5', '(-3)', '"s"'),
        fc.tuple(tie('e'), fc.constantFrom(...ops), tie('e')).map(([a, op, b]) => `(${a} ${op} ${b})`),
        tie('e').map((a) => `(-(${a}))`),
        tie('e').map((a) => `(!(${a}))`),
        tie('e').map((a) => `(${a} ? 1 : 2)`),
      ),
    })).e;
    fc.assert(
      fc.property(expr, fc.double({ min: -4, max: 4, noNaN: true }), fc.double({ min: -4, max: 4, noNaN: true }), (e, a, b) => {
        const source = `x => ${e}`;
        const native = new Function(`return ${source}`)()([a, b]);
        const rewritten = compile(source).fn([a, b]);
        expect(Object.is(rewritten, native)).toBe(true);
      }),
      { numRuns: 300 },
    );
  });
});

describe('differentiation through control flow and Math', () => {
  it('follows the branch the primal value takes', () => {
    const f = 'x => x[0] > 1 ? x[0] * 2 : x[0] * 3';
    expect(valueAndPartial(f, [2], 0)).toEqual([4, 2]);
    expect(valueAndPartial(f, [0.5], 0)).toEqual([1.5, 3]);
  });

  it('treats a traced 0 as false, like the number it stands for', () => {
    expect(valueAndPartial('x => (x[0] ? 10 : x[0] * 7)', [0], 0)).toEqual([0, 7]);
    expect(valueAndPartial('x => (!x[0] ? x[0] * 7 : 10)', [0], 0)).toEqual([0, 7]);
  });

  it('short-circuits && and || on the primal value, returning the operand', () => {
    expect(valueAndPartial('x => x[0] && x[0] * 3', [0], 0)).toEqual([0, 1]);
    expect(valueAndPartial('x => x[0] && x[0] * 3', [2], 0)).toEqual([6, 3]);
    expect(valueAndPartial('x => x[0] || x[1] * 2', [0, 4], 1)).toEqual([8, 2]);
    expect(valueAndPartial('x => x[0] || x[1] * 2', [5, 4], 0)).toEqual([5, 1]);
    const lazy = compile('x => { let calls = 0; const f = () => ++calls; const r = [0 && f(), 1 || f(), 1 && f(), 0 || f()]; return [r, calls]; }');
    expect(lazy.fn([])).toEqual([[0, 1, 1, 2], 2]);
    expect(compile('function* g(x) { yield 1 && (yield x[0]); }\nx => [...g(x)]').fn([7])).toEqual([7, undefined]);
  });

  it('switches on the primal value of a traced scalar', () => {
    const f = 'x => { switch (x[0]) { case 1: return x[0] * 10; case 2: return x[0] ** 3; default: return -x[0]; } }';
    expect(valueAndPartial(f, [1], 0)).toEqual([10, 10]);
    expect(valueAndPartial(f, [2], 0)).toEqual([8, 12]);
    expect(valueAndPartial(f, [5], 0)).toEqual([-5, -1]);
  });

  it('differentiates % as the truncated remainder', () => {
    expect(valueAndPartial('x => x[0] % 3', [7.5], 0)).toEqual([1.5, 1]);
    expect(valueAndPartial('x => x[1] % x[0]', [3, -7.5], 0)).toEqual([-1.5, 2]);
  });

  it('differentiates compound assignments and increments on traced values', () => {
    const f = 'x => { let s = x[0]; s *= s; s -= 2 * x[0]; s /= 2; s **= 2; s++; return s; }';
    const x = 1.7;
    const inner = (x * x - 2 * x) / 2;
    expect(valueAndPartial(f, [x], 0)[1]).toBeCloseTo(2 * inner * (x - 1), 12);
  });

  const mathCases = [
    'x => Math.atan2(x[1], x[0])',
    'x => Math.hypot(x[0], x[1], 2)',
    'x => Math.max(x[0], x[1] * 2, 0.1) + Math.min(x[0], -x[1])',
    'x => Math.log2(x[0] * x[0] + 1) + Math.log10(x[1] * x[1])',
    'x => Math.cbrt(x[0]) + Math.asin(x[0] / 4) + Math.acos(x[1] / 5)',
    'x => Math.atanh(x[0] / 3) + Math.acosh(2 + x[1] * x[1])',
    'x => Math.exp(x[0]) * Math.tanh(x[1]) + Math.sqrt(Math.abs(x[1])) - Math.expm1(x[0]) / Math.log1p(x[0] * x[0])',
    'x => Math.pow(x[0], 3) + Math.floor(x[1]) * x[1] + Math.PI * x[0]',
  ];

  it.each(mathCases)('%s matches central differences', (f) => {
    for (const x of [
      [1.3, 0.7],
      [-1.1, 2.2],
      [0.4, -1.9],
    ]) {
      for (let i = 0; i < 2; i++) {
        expect(valueAndPartial(f, x, i)[1]).toBeCloseTo(centralDifference(f, x, i), 6);
      }
    }
  });
});

describe('errors point at the source', () => {
  it('reports a syntax error with line and column', () => {
    const error = compileError('x => {\n  return x[0] +* 2;\n}');
    expect(error.code).toBe('syntax-error');
    expect(error.span).toEqual({ line: 2, column: 15 });
    expect(error.message).toBe('Unexpected token');
  });

  it('reports a program that does not end with a function', () => {
    const error = compileError('const a = 1;\nlet b = a;');
    expect(error.code).toBe('compile-error');
    expect(error.span).toMatchObject({ line: 2, column: 0 });
  });

  it('reports a source that evaluates to a non-function', () => {
    expect(compileError('1 + 2').code).toBe('compile-error');
    expect(compileError('   ').code).toBe('compile-error');
  });

  it('reserves the runtime parameter name', () => {
    const error = compileError('x => __wengert$.add(x, 1)');
    expect(error).toMatchObject({ code: 'compile-error', span: { line: 1, column: 5 } });
  });

  it('locates a runtime error in the original source', () => {
    const loss = compile('x => {\n  const a = null;\n  return x[0] * 2 + a.b;\n}');
    try {
      loss.fn([1]);
      expect.unreachable();
    } catch (error) {
      // `a.b` spans columns 20–22 of line 3 (V8 points at the property).
      const span = loss.locate(error)!;
      expect(span.line).toBe(3);
      expect(span.column).toBeGreaterThanOrEqual(20);
      expect(span.column).toBeLessThanOrEqual(22);
    }
  });

  it('keeps line numbers of multi-line expressions', () => {
    const { body } = rewriteSource('x =>\n  x[0] +\n  x[1] *\n  x[2]');
    expect(body.split('\n')).toHaveLength(4);
  });
});
