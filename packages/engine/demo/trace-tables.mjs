// The notes' worked example (§2.1–2.6): f(x1, x2) = ln(x1) + x1·x2 − sin(x2) at (2, 5).
// Prints the forward primal, forward tangent and reverse adjoint traces, then the gradient.
import { add, log, mul, sin, sub, traceOf, valueAndGrad } from '../dist/index.js';

const f = (x1, x2) => sub(add(log(x1), mul(x1, x2)), sin(x2));

const trace = traceOf(f)(2, 5);
console.log(`${trace.primalTable()}\n`);
console.log(`${trace.tangentTable([1, 0])}\n`);
console.log(`${trace.adjointTable()}\n`);

const [value, gradient] = valueAndGrad(f, { argnums: [0, 1] })(2, 5);
console.log(`f(2, 5) = ${value}`);
console.log(`∇f(2, 5) = (${gradient.join(', ')})`);
