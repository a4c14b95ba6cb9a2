/** An append-only Float64Array that doubles its capacity; `view()` is the filled prefix (no copy). */
export class Growable {
  private buffer: Float64Array;
  length = 0;

  constructor(capacity = 64) {
    this.buffer = new Float64Array(Math.max(1, capacity));
  }

  private reserve(extra: number): void {
    if (this.length + extra <= this.buffer.length) return;
    let cap = this.buffer.length * 2;
    while (cap < this.length + extra) cap *= 2;
    const next = new Float64Array(cap);
    next.set(this.buffer.subarray(0, this.length));
    this.buffer = next;
  }

  push(v: number): void {
    this.reserve(1);
    this.buffer[this.length++] = v;
  }

  pushAll(values: Float64Array): void {
    this.reserve(values.length);
    this.buffer.set(values, this.length);
    this.length += values.length;
  }

  view(from = 0, to = this.length): Float64Array {
    return this.buffer.subarray(from, to);
  }

  /** A compact copy of the filled prefix. */
  toArray(): Float64Array {
    return this.buffer.slice(0, this.length);
  }
}
