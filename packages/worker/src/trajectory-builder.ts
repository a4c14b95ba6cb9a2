import type { ProgressChunk, StopReason, Trajectory } from './protocol.js';

/** Collects streamed chunks on the page, so a killed or aborted run still returns what it computed. */
export class TrajectoryBuilder {
  private n = 0;
  private points: number[] = [];
  private losses: number[] = [];
  private gradNorms: number[] = [];
  private stepSizes: number[] = [];

  constructor(private readonly x0: readonly number[]) {
    this.n = x0.length;
  }

  push(chunk: ProgressChunk): void {
    this.n = chunk.n;
    // Chunks arrive in order and never overlap; keep only the rows we do not have yet.
    const skip = Math.max(0, this.losses.length - chunk.from);
    for (let i = skip; i < chunk.count; i++) {
      this.losses.push(chunk.losses[i]!);
      this.gradNorms.push(chunk.gradNorms[i]!);
      for (let j = 0; j < chunk.n; j++) this.points.push(chunk.points[i * chunk.n + j]!);
    }
    for (const s of chunk.stepSizes) this.stepSizes.push(s);
  }

  get length(): number {
    return this.losses.length;
  }

  build(stopReason: StopReason): Trajectory {
    const count = this.losses.length;
    const points = Float64Array.from(this.points);
    return {
      n: this.n,
      steps: Math.max(0, count - 1),
      points,
      losses: Float64Array.from(this.losses),
      gradNorms: Float64Array.from(this.gradNorms),
      stepSizes: Float64Array.from(this.stepSizes.slice(0, Math.max(0, count - 1))),
      stopReason,
      x: count > 0 ? Array.from(points.subarray((count - 1) * this.n, count * this.n)) : [...this.x0],
    };
  }
}
