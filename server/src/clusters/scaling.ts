import type { FeatureSpec, FeatureTransform } from './feature-vector';

/**
 * Feature scaling: each raw value goes through its feature's transform (`log1p` tames heavy-tailed
 * counts: one visitor with 5,000 page views must not stretch the axis that separates 2 from 20), then
 * is standardized with the sample's mean and standard deviation, so that every feature weighs alike
 * in the Euclidean distance k-means minimizes. Plain data: it is stored in the model as JSON.
 */
export interface Scaling {
  transforms: FeatureTransform[];
  mean: number[];
  /**
   * Never below MIN_STD: a feature (nearly) constant in the sample gets 1, so that its scaled value
   * stays the transformed one's tiny difference instead of being blown up to whole units.
   */
  std: number[];
}

/**
 * Spreads below this (in the transformed unit: log1p of a count or of days, a share, a 0/1 flag) are
 * not behavior: visitors seen seconds apart differ in recency by 10⁻⁴ days, and standardizing that by
 * its own tiny deviation would make it the widest axis of all and split identical visitors.
 */
const MIN_STD = 0.05;

/** Counts and days are never negative; a negative value (hostile or broken input) reads as 0. */
export const transformValue = (value: number, transform: FeatureTransform): number =>
  transform === 'log1p' ? Math.log1p(value > 0 ? value : 0) : value;

export const fitScaling = (vectors: readonly (readonly number[])[], features: readonly FeatureSpec[]): Scaling => {
  const dimensions = features.length;
  const transforms = features.map((feature) => feature.transform);
  const mean = new Array<number>(dimensions).fill(0);
  const squares = new Array<number>(dimensions).fill(0);
  for (const vector of vectors) {
    for (let d = 0; d < dimensions; d++) mean[d] += transformValue(vector[d], transforms[d]);
  }
  const n = Math.max(vectors.length, 1);
  for (let d = 0; d < dimensions; d++) mean[d] /= n;
  // Two passes (sum of squared deviations), not E[x²] - E[x]²: no cancellation on large values.
  for (const vector of vectors) {
    for (let d = 0; d < dimensions; d++) squares[d] += (transformValue(vector[d], transforms[d]) - mean[d]) ** 2;
  }
  const std = squares.map((sum) => {
    const deviation = Math.sqrt(sum / n);
    return deviation > MIN_STD ? deviation : 1;
  });
  return { transforms, mean, std };
};

/** A raw vector in the scaled space; written into `out` when given (no allocation on the ingest path). */
export function applyScaling(vector: ArrayLike<number>, scaling: Scaling): number[];
export function applyScaling<Out extends number[] | Float64Array>(vector: ArrayLike<number>, scaling: Scaling, out: Out): Out;
export function applyScaling(vector: ArrayLike<number>, scaling: Scaling, out: number[] | Float64Array = new Array<number>(scaling.mean.length)) {
  for (let d = 0; d < scaling.mean.length; d++) {
    out[d] = (transformValue(vector[d], scaling.transforms[d]) - scaling.mean[d]) / scaling.std[d];
  }
  return out;
}

/** A scaled value back to the transformed space (log1p applied, not standardized). */
export const unstandardize = (value: number, d: number, scaling: Scaling): number => value * scaling.std[d] + scaling.mean[d];

/** A scaled value back to the raw feature's unit (for descriptions: "3+ sessions"). */
export const unscale = (value: number, d: number, scaling: Scaling): number => {
  const transformed = unstandardize(value, d, scaling);
  return scaling.transforms[d] === 'log1p' ? Math.expm1(transformed) : transformed;
};

interface ScaledCentroids {
  features: readonly FeatureSpec[];
  scaling: Scaling;
  centroids: readonly (readonly number[])[];
}

/**
 * Two models' centroids in one space, for matching clusters across runs: the features both models
 * have (by name: two runs may keep different top topics, and a topic one model did not keep tells
 * nothing about its centroids), in the newer model's scaled space.
 */
export const commonSpace = (previous: ScaledCentroids, next: ScaledCentroids): { features: string[]; previous: number[][]; next: number[][] } => {
  const previousIndex = new Map(previous.features.map((feature, index) => [feature.name, index]));
  const shared = next.features.flatMap((feature, d) => {
    const source = previousIndex.get(feature.name);
    return source === undefined ? [] : [{ name: feature.name, d, source }];
  });
  return {
    features: shared.map(({ name }) => name),
    previous: previous.centroids.map((centroid) =>
      shared.map(({ d, source }) => (unstandardize(centroid[source], source, previous.scaling) - next.scaling.mean[d]) / next.scaling.std[d])
    ),
    next: next.centroids.map((centroid) => shared.map(({ d }) => centroid[d])),
  };
};
