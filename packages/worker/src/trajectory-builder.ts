import type { ProgressChunk, StopReason, Trajectory } from './protocol.js';

/**
 * Keeps the streamed chunks on the page, so a killed or aborted run still returns what it computed.
 * Each chunk is copied whole (the caller may transfer or reuse its arrays) and joined only when a
 * partial trajectory is needed.
 */
export class TrajectoryBuilder {
  private readonly chunks: ProgressChunk[] = [];
  private count = 0;

  constructor(private readonly x0: readonly number[]) {}

  push(chunk: ProgressChunk): void {
    // Chunks arrive in order and never overlap; ignore any repeat.
    if (chunk.from + chunk.count <= this.count && chunk.stepSizes.length === 0) return;
    this.chunks.push({
      ...chunk,
      points: chunk.points.slice(),
      losses: chunk.losses.slice(),
      gradNorms: chunk.gradNorms.slice(),
      stepSizes: chunk.stepSizes.slice(),
    });
    this.count = Math.max(this.count, chunk.from + chunk.count);
  }

  get length(): number {
    return this.count;
  }

  build(stopReason: StopReason): Trajectory {
    const n = this.chunks[0]?.n ?? this.x0.length;
    const count = this.count;
    const points = new Float64Array(count * n);
    const losses = new Float64Array(count);
    const gradNorms = new Float64Array(count);
    const stepSizes: number[] = [];
    for (const c of this.chunks) {
      points.set(c.points.subarray(0, c.count * n), c.from * n);
      losses.set(c.losses.subarray(0, c.count), c.from);
      gradNorms.set(c.gradNorms.subarray(0, c.count), c.from);
      for (const s of c.stepSizes) stepSizes.push(s);
    }
    const steps = Math.max(0, count - 1);
    return {
      n,
      steps,
      points,
      losses,
      gradNorms,
      stepSizes: Float64Array.from(stepSizes.slice(0, steps)),
      stopReason,
      x: count > 0 ? Array.from(points.subarray((count - 1) * n, count * n)) : [...this.x0],
    };
  }
}
