/** Every engine error has a stable `code`, names the op involved, and leaves no half-updated state. */
export class WengertError extends Error {
  readonly code: string;
  readonly op: string | undefined;
  constructor(code: string, message: string, op?: string) {
    super(op ? `${op}: ${message}` : message);
    this.name = new.target.name;
    this.code = code;
    this.op = op;
  }
}

/** Shapes that cannot be combined: names the op and every shape involved. */
export class ShapeError extends WengertError {
  readonly shapes: readonly (readonly number[])[];
  constructor(op: string, message: string, shapes: readonly (readonly number[])[] = []) {
    const shown = shapes.length ? ` (shapes ${shapes.map((s) => `[${s.join(', ')}]`).join(', ')})` : '';
    super('shape', message + shown, op);
    this.shapes = shapes;
  }
}

/** An argument outside the op's domain (e.g. a non-finite seed, a bad axis). */
export class DomainError extends WengertError {
  constructor(op: string, message: string) {
    super('domain', message, op);
  }
}

/** A derivative was asked of something that has none (e.g. grad of a non-scalar output). */
export class NotDifferentiableError extends WengertError {
  constructor(op: string, message: string) {
    super('not-differentiable', message, op);
  }
}

/** A traced value was used after its transformation finished, or read as a plain number where that is unsafe. */
export class TracerError extends WengertError {
  constructor(op: string, message: string) {
    super('tracer', message, op);
  }
}
