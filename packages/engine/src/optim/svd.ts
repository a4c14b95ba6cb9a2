/**
 * Singular values and the polar factor U·Vᵀ of a small dense matrix by one-sided Jacobi (Hestenes):
 * rotate column pairs until all are orthogonal; then σⱼ = ‖colⱼ‖ and uⱼ = colⱼ/σⱼ. Accurate to a few
 * ulps relative to σ_max; singular values below that resolution count as zero and stay out of U·Vᵀ.
 */
export interface PolarResult {
  /** Singular values, descending. */
  readonly singularValues: Float64Array;
  /** Σσᵢ (the nuclear norm). */
  readonly nuclear: number;
}

/** Computes σ(A) and, if `polarOut` is given, writes U·Vᵀ (rows×cols, row-major) into it. */
export function svdPolar(a: Float64Array, rows: number, cols: number, polarOut?: Float64Array): PolarResult {
  // Work on the orientation with at least as many rows as columns: columns of W are the vectors rotated.
  const transpose = rows < cols;
  const m = transpose ? cols : rows;
  const n = transpose ? rows : cols;
  // Scale to max |aᵢⱼ| = 1 first, so squares neither overflow nor underflow (σ is scaled back at the end).
  let amax = 0;
  for (let i = 0; i < a.length; i++) amax = Math.max(amax, Math.abs(a[i]!));
  const unit = amax > 0 && Number.isFinite(amax) ? amax : 1;
  const w: Float64Array[] = [];
  for (let j = 0; j < n; j++) {
    const col = new Float64Array(m);
    for (let i = 0; i < m; i++) col[i] = (transpose ? a[j * cols + i]! : a[i * cols + j]!) / unit;
    w.push(col);
  }
  const v: Float64Array[] = [];
  for (let j = 0; j < n; j++) {
    const col = new Float64Array(n);
    col[j] = 1;
    v.push(col);
  }
  const eps = 2.220446049250313e-16;
  for (let sweep = 0; sweep < 60; sweep++) {
    let rotated = false;
    for (let p = 0; p < n - 1; p++) {
      for (let q = p + 1; q < n; q++) {
        const wp = w[p]!;
        const wq = w[q]!;
        let alpha = 0;
        let beta = 0;
        let gamma = 0;
        for (let i = 0; i < m; i++) {
          alpha += wp[i]! * wp[i]!;
          beta += wq[i]! * wq[i]!;
          gamma += wp[i]! * wq[i]!;
        }
        if (gamma === 0 || Math.abs(gamma) <= eps * Math.sqrt(alpha * beta)) continue;
        rotated = true;
        const zeta = (beta - alpha) / (2 * gamma);
        const t = (zeta >= 0 ? 1 : -1) / (Math.abs(zeta) + Math.sqrt(1 + zeta * zeta));
        const c = 1 / Math.sqrt(1 + t * t);
        const s = c * t;
        for (let i = 0; i < m; i++) {
          const x = wp[i]!;
          const y = wq[i]!;
          wp[i] = c * x - s * y;
          wq[i] = s * x + c * y;
        }
        const vp = v[p]!;
        const vq = v[q]!;
        for (let i = 0; i < n; i++) {
          const x = vp[i]!;
          const y = vq[i]!;
          vp[i] = c * x - s * y;
          vq[i] = s * x + c * y;
        }
      }
    }
    if (!rotated) break;
  }
  const sigma = new Float64Array(n);
  let sMax = 0;
  for (let j = 0; j < n; j++) {
    let s = 0;
    const col = w[j]!;
    for (let i = 0; i < m; i++) s += col[i]! * col[i]!;
    sigma[j] = Math.sqrt(s);
    if (sigma[j]! > sMax) sMax = sigma[j]!;
  }
  const cutoff = sMax * Math.max(m, n) * eps * 4;
  let nuclear = 0;
  for (let j = 0; j < n; j++) if (sigma[j]! > cutoff) nuclear += sigma[j]!;
  if (polarOut) {
    polarOut.fill(0);
    for (let j = 0; j < n; j++) {
      const sj = sigma[j]!;
      if (!(sj > cutoff)) continue; // zero singular values stay 0
      const u = w[j]!;
      const vj = v[j]!;
      // W-space polar: Σ uⱼ vⱼᵀ is m×n; for the transposed case the answer is its transpose.
      for (let i = 0; i < m; i++) {
        const ui = u[i]! / sj;
        if (ui === 0) continue;
        for (let k = 0; k < n; k++) {
          if (transpose) polarOut[k * cols + i]! += ui * vj[k]!;
          else polarOut[i * cols + k]! += ui * vj[k]!;
        }
      }
    }
  }
  const sorted = sigma.slice().sort((x, y) => y - x);
  for (let j = 0; j < n; j++) sorted[j] = sorted[j]! > cutoff ? sorted[j]! * unit : 0;
  return { singularValues: sorted, nuclear: nuclear * unit };
}
