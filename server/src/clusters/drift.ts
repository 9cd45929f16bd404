/**
 * Drift of feature distributions, by the population stability index (PSI): each feature's values are
 * binned on edges taken from a reference sample (its deciles), and the bins' shares compared,
 * PSI = Σ (actual − expected) · ln(actual / expected). The usual reading: below 0.1 stable,
 * 0.1–0.25 moderate, above 0.25 shifted. Raw feature values are binned (the bins are quantiles, so a
 * monotonic transform such as log1p would change nothing).
 */

export type DriftReading = 'stable' | 'moderate' | 'shifted';

export interface FeatureDrift {
  feature: string;
  psi: number;
  reading: DriftReading;
}

/** A reference distribution per feature, kept in the model for the next run and the live stream. */
export interface DriftReference {
  features: string[];
  /** Per feature: increasing upper edges; bin i holds values ≤ edges[i], the last bin the rest. */
  edges: number[][];
  /** Per feature: the reference sample's share in each bin (edges.length + 1 bins). */
  shares: number[][];
}

/** Shares below this count as this, so an empty bin does not make the index infinite. */
export const PSI_EPSILON = 1e-4;

export const MODERATE_PSI = 0.1;
export const SHIFTED_PSI = 0.25;

export const readPsi = (psi: number): DriftReading => (psi > SHIFTED_PSI ? 'shifted' : psi >= MODERATE_PSI ? 'moderate' : 'stable');

export const populationStabilityIndex = (expected: readonly number[], actual: readonly number[]): number => {
  let psi = 0;
  for (let i = 0; i < expected.length; i++) {
    const e = Math.max(expected[i], PSI_EPSILON);
    const a = Math.max(actual[i], PSI_EPSILON);
    psi += (a - e) * Math.log(a / e);
  }
  return psi;
};

/**
 * Decile edges of a sample, duplicates removed: a feature that is 0 for 70 % of visitors gets one
 * bin for the zeros instead of seven empty ones beside a full one.
 */
export const decileEdges = (values: readonly number[]): number[] => {
  if (values.length === 0) return [];
  const sorted = Float64Array.from(values).sort();
  const edges: number[] = [];
  for (let decile = 1; decile <= 9; decile++) {
    const edge = sorted[Math.max(0, Math.ceil((decile * sorted.length) / 10) - 1)];
    if (edges.length === 0 || edge > edges[edges.length - 1]) edges.push(edge);
  }
  return edges;
};

/** Index of the bin of `value`: the first edge it does not exceed (binary search). */
export const binOf = (edges: readonly number[], value: number): number => {
  let low = 0;
  let high = edges.length;
  while (low < high) {
    const middle = (low + high) >> 1;
    if (value <= edges[middle]) high = middle;
    else low = middle + 1;
  }
  return low;
};

/** Shares of `values` in the bins of `edges`. */
export const binShares = (edges: readonly number[], values: readonly number[]): number[] => {
  const counts = new Array<number>(edges.length + 1).fill(0);
  for (const value of values) counts[binOf(edges, value)] += 1;
  return counts.map((count) => (values.length > 0 ? count / values.length : 0));
};

const column = (vectors: readonly (readonly number[])[], d: number) => vectors.map((vector) => vector[d]);

export const driftReference = (vectors: readonly (readonly number[])[], features: readonly string[]): DriftReference => {
  const edges = features.map((_, d) => decileEdges(column(vectors, d)));
  return { features: [...features], edges, shares: edges.map((featureEdges, d) => binShares(featureEdges, column(vectors, d))) };
};

/**
 * PSI of each feature of `currentVectors` (whose columns are named `features`) against a stored
 * reference; features only one side has are left out (a run may keep other top topics).
 */
export const driftFromReference = (reference: DriftReference, currentVectors: readonly (readonly number[])[], features: readonly string[]): FeatureDrift[] => {
  const currentIndex = new Map(features.map((name, index) => [name, index]));
  const drift: FeatureDrift[] = [];
  reference.features.forEach((feature, r) => {
    const d = currentIndex.get(feature);
    if (d === undefined) return;
    const psi = populationStabilityIndex(reference.shares[r], binShares(reference.edges[r], column(currentVectors, d)));
    drift.push({ feature, psi, reading: readPsi(psi) });
  });
  return drift;
};

/** PSI per feature of two samples with the same columns, bins from the first. */
export const driftReport = (referenceVectors: readonly (readonly number[])[], currentVectors: readonly (readonly number[])[], features: readonly string[]): FeatureDrift[] =>
  driftFromReference(driftReference(referenceVectors, features), currentVectors, features);

/**
 * Live drift: bin counts of the profiles seen since a run (the ingest path adds each changed
 * profile's vector; nothing allocated per call), compared with the reference when asked.
 */
export interface LiveDriftCounts {
  total: number;
  counts: number[][];
}

export const emptyLiveCounts = (reference: DriftReference): LiveDriftCounts => ({
  total: 0,
  counts: reference.edges.map((edges) => new Array<number>(edges.length + 1).fill(0)),
});

/** Counts one raw vector whose columns are the reference's features, in order. */
export const countLive = (live: LiveDriftCounts, reference: DriftReference, vector: ArrayLike<number>): void => {
  live.total += 1;
  for (let d = 0; d < reference.edges.length; d++) live.counts[d][binOf(reference.edges[d], vector[d])] += 1;
};

export const liveDrift = (reference: DriftReference, live: LiveDriftCounts): FeatureDrift[] =>
  reference.features.map((feature, d) => {
    const psi = populationStabilityIndex(
      reference.shares[d],
      live.counts[d].map((count) => (live.total > 0 ? count / live.total : 0))
    );
    return { feature, psi, reading: readPsi(psi) };
  });
