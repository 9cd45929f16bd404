import { kmeans } from 'ml-kmeans';
import type { KScore } from './cluster-model';
import { sampleIndexes, seededRandom } from './seeded-random';
import { meanSilhouette, pairwiseDistances } from './silhouette';

/**
 * K-means over scaled vectors with k chosen automatically: for each k in kMin..kMax, `restarts`
 * runs of ml-kmeans from k-means++ starts (each seeded) on a selection subsample, the one of least
 * inertia kept; the k of the best mean silhouette wins (a larger k only by more than
 * SILHOUETTE_MARGIN), and is refitted on all
 * the vectors starting from its centroids (a few Lloyd iterations). Inertia per k is kept for the
 * elbow chart. Deterministic for a seed.
 *
 * Why a selection subsample: 9 values of k × 3 restarts are 27 k-means runs; on 50,000 points each
 * costs about 0.3 s of k-means++ seeding and up to 100 iterations of 20 ms (measured on the 2-CPU
 * development machine: 60 s in all). On 10,000 points the same search is five times cheaper, and
 * k-means' centroids at 10,000 points differ from those at 50,000 by sampling noise only.
 */
export interface FitOptions {
  kMin?: number;
  kMax?: number;
  /** K-means runs per k from different k-means++ starts; the least inertia is kept (local minima). */
  restarts?: number;
  /**
   * Points the silhouette is computed on. Silhouette needs every pairwise distance, O(n²) in time and
   * memory: 4,000 points are 8 million distances (32 MB, about a second), while 50,000 would be 1.25
   * billion. The mean over 4,000 random points has a standard error well under 0.01, finer than the
   * differences between k that decide.
   */
  silhouetteSample?: number;
  /** Points the search over k runs on (the winner is refitted on all of them). */
  selectionSample?: number;
  seed?: number;
  /** Lloyd iterations stop when no centroid moves more than this (squared distance, in standard deviations²). */
  tolerance?: number;
  maxIterations?: number;
}

export const DEFAULT_FIT_OPTIONS: Required<FitOptions> = {
  kMin: 2,
  kMax: 10,
  restarts: 3,
  silhouetteSample: 4_000,
  selectionSample: 10_000,
  seed: 1,
  tolerance: 1e-4,
  maxIterations: 100,
};

export interface ClusterFit {
  k: number;
  /** Centroids in the scaled space. */
  centroids: number[][];
  /** Cluster of each input vector. */
  labels: number[];
  /** Vectors per cluster. */
  sizes: number[];
  /** One per k tried, in k order. */
  scores: KScore[];
}

/** Too few distinct vectors to choose k among at least two clusters (a new site). */
/** How much better a larger k's mean silhouette must be to win (its standard error here is under 0.01). */
export const SILHOUETTE_MARGIN = 0.01;

export class NotEnoughProfilesError extends Error {
  override name = 'NotEnoughProfilesError';
}

const squaredDistance = (p: readonly number[], q: readonly number[]) => {
  let sum = 0;
  for (let d = 0; d < p.length; d++) {
    const delta = p[d] - q[d];
    sum += delta * delta;
  }
  return sum;
};

/** Distinct vectors, counted up to `limit` (k-means++ cannot seed more centroids than there are distinct points). */
const distinctCount = (vectors: readonly (readonly number[])[], limit: number) => {
  const seen = new Set<string>();
  for (const vector of vectors) {
    seen.add(vector.join(','));
    if (seen.size >= limit) break;
  }
  return seen.size;
};

interface KRun {
  centroids: number[][];
  labels: number[];
  inertia: number;
}

const runKMeans = (vectors: number[][], k: number, options: { seed: number; maxIterations: number; tolerance: number; initialization: 'kmeans++' | number[][] }): KRun => {
  const result = kmeans(vectors, k, options);
  let inertia = 0;
  for (let i = 0; i < vectors.length; i++) inertia += squaredDistance(vectors[i], result.centroids[result.clusters[i]]);
  return { centroids: result.centroids, labels: result.clusters, inertia };
};

export const fitClusters = (vectors: number[][], options: FitOptions = {}): ClusterFit => {
  const { kMin, kMax, restarts, silhouetteSample, selectionSample, seed, maxIterations, tolerance } = { ...DEFAULT_FIT_OPTIONS, ...options };
  const random = seededRandom(seed);
  const selection = vectors.length <= selectionSample ? vectors : sampleIndexes(vectors.length, selectionSample, random).map((index) => vectors[index]);
  const distinct = distinctCount(selection, kMax);
  // k-means++ seeds one centroid per distinct point at most, and silhouette needs two clusters and a
  // point more than clusters: visitors who behaved alike are duplicates, and k behaviours make k
  // clusters, however many visitors share each (a new site's first run may see exactly that).
  const highest = Math.min(kMax, distinct, selection.length - 1);
  const lowest = Math.max(2, kMin);
  if (highest < lowest) throw new NotEnoughProfilesError(`clustering needs at least ${lowest} distinct profiles and ${lowest + 1} profiles, got ${distinct} and ${selection.length}`);

  const sample = sampleIndexes(selection.length, silhouetteSample, random);
  const distances = pairwiseDistances(sample.map((index) => selection[index]));

  const scores: KScore[] = [];
  let best: { run: KRun; k: number; silhouette: number } | undefined;
  for (let k = lowest; k <= highest; k++) {
    let kept: KRun | undefined;
    for (let restart = 0; restart < restarts; restart++) {
      // One seed per (k, restart), derived from the run's seed.
      const runSeed = (seed * 1_000_003 + k * 1_009 + restart) >>> 0;
      const run = runKMeans(selection, k, { initialization: 'kmeans++', seed: runSeed, maxIterations, tolerance });
      if (!kept || run.inertia < kept.inertia) kept = run;
    }
    const silhouette = meanSilhouette(distances, Int32Array.from(sample, (index) => kept!.labels[index]), k);
    scores.push({ k, inertia: kept!.inertia, silhouette });
    // A larger k must beat the best so far by more than the silhouette sample's noise: splitting a
    // tight cluster of near-identical visitors scores almost as well as leaving it whole.
    if (!best || silhouette > best.silhouette + SILHOUETTE_MARGIN) best = { run: kept!, k, silhouette };
  }
  const { k } = best!;
  const run = selection === vectors ? best!.run : runKMeans(vectors, k, { initialization: best!.run.centroids, seed, maxIterations, tolerance });
  const sizes = new Array<number>(k).fill(0);
  for (const label of run.labels) sizes[label] += 1;
  return { k, centroids: run.centroids, labels: run.labels, sizes, scores };
};
