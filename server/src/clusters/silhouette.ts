/**
 * Mean silhouette of a labelled sample: for each point, a = mean distance to its own cluster, b =
 * the smallest mean distance to another cluster, s = (b − a) / max(a, b) (0 for a point alone in its
 * cluster). It costs O(n²) distances, so it runs on a sample; the distances do not depend on the
 * labels, so they are computed once and reused for every k.
 */
export interface PairwiseDistances {
  n: number;
  /** Upper triangle, row by row: distance(i, j) for i < j. */
  values: Float32Array;
}

/** Euclidean distances between every pair of `points` (n² / 2 floats: 32 MB for 4,000 points). */
export const pairwiseDistances = (points: readonly (readonly number[])[]): PairwiseDistances => {
  const n = points.length;
  const values = new Float32Array((n * (n - 1)) / 2);
  let cursor = 0;
  for (let i = 0; i < n; i++) {
    const p = points[i];
    for (let j = i + 1; j < n; j++) {
      const q = points[j];
      let sum = 0;
      for (let d = 0; d < p.length; d++) {
        const delta = p[d] - q[d];
        sum += delta * delta;
      }
      values[cursor++] = Math.sqrt(sum);
    }
  }
  return { n, values };
};

/** Mean silhouette for `labels` (0..k-1, one per point of the distances). */
export const meanSilhouette = (distances: PairwiseDistances, labels: ArrayLike<number>, k: number): number => {
  const { n, values } = distances;
  if (n < 2) return 0;
  // sums[i * k + c]: sum of distances from point i to the points of cluster c.
  const sums = new Float64Array(n * k);
  const sizes = new Float64Array(k);
  for (let i = 0; i < n; i++) sizes[labels[i]] += 1;
  let cursor = 0;
  for (let i = 0; i < n; i++) {
    const li = labels[i];
    for (let j = i + 1; j < n; j++) {
      const distance = values[cursor++];
      sums[i * k + labels[j]] += distance;
      sums[j * k + li] += distance;
    }
  }
  let total = 0;
  for (let i = 0; i < n; i++) {
    const own = labels[i];
    if (sizes[own] <= 1) continue;
    const a = sums[i * k + own] / (sizes[own] - 1);
    let b = Infinity;
    for (let c = 0; c < k; c++) if (c !== own && sizes[c] > 0) b = Math.min(b, sums[i * k + c] / sizes[c]);
    if (b === Infinity) continue;
    const spread = Math.max(a, b);
    if (spread > 0) total += (b - a) / spread;
  }
  return total / n;
};
