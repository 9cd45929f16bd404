import type { StoredProfile } from '../store/profile-store';
import { CLUSTER_MODEL_VERSION, type ClusterModel } from './cluster-model';
import { describeCentroid, type DescribeOptions } from './describe-centroid';
import { driftFromReference, driftReference, type FeatureDrift } from './drift';
import { DEFAULT_AFFINITY_HALF_LIFE_SEC, FEATURES, featureSpecs, TOPIC_FEATURE_COUNT, topicShares, writeFeatures } from './feature-vector';
import { DEFAULT_FIT_OPTIONS, fitClusters, NotEnoughProfilesError, type ClusterFit, type FitOptions } from './fit-clusters';
import { matchClusters } from './match-clusters';
import { assignCompiled, compileModel } from './nearest-centroid';
import { applyScaling, commonSpace, fitScaling } from './scaling';
import { seededRandom } from './seeded-random';

/**
 * One clustering run over any profile source (the Strapi job gives it the store's scan), in two
 * passes so that memory stays bounded however many profiles there are:
 *  1. stream every profile, keep a seeded reservoir sample of their features (uniform over the
 *     store, whatever its order), choose the top topics, scale, fit k-means and choose k;
 *  2. stream every profile again and hand each page's assignments to `assign`.
 * Ids are matched to the previous run's clusters, and the sample's distributions compared with the
 * previous run's (drift). Pure apart from the two callbacks; `now` is passed in.
 */

export interface ProfilePageEntry {
  visitorId: string;
  profile: StoredProfile;
}

export interface ClusteringProgress {
  phase: 'sampling' | 'fitting' | 'assigning';
  /** Profiles read by the sampling pass so far. */
  scanned: number;
  /** Profiles assigned by the second pass so far. */
  assigned: number;
  /** Profiles the first pass found (known from the fitting phase on). */
  population?: number;
}

export interface RunClusteringOptions extends FitOptions {
  /** The plugin's affinity half-life (topic shares decay with it). */
  affinityHalfLifeSec?: number;
  /** Topics kept as features. */
  topicCount?: number;
  /** Largest centroid distance at which a cluster keeps its previous id (see matchClusters). */
  maxMatchDistance?: number;
  describe?: DescribeOptions;
}

export interface RunClusteringInput {
  /** A fresh pass over every stored profile, page by page; called twice. */
  pages: () => AsyncIterable<ProfilePageEntry[]>;
  /** Stores one page's clusters. */
  assign: (batch: { visitorId: string; clusterId: string }[]) => Promise<void>;
  previous: ClusterModel | null;
  /** Epoch seconds. */
  now: number;
  /** Profiles the model is fitted on (reservoir sample of the store). */
  sampleSize?: number;
  options?: RunClusteringOptions;
  onProgress?: (progress: ClusteringProgress) => void;
  /** Fits the scaled sample: `fitClusters` by default; the Strapi job runs it on a worker thread (`fit-in-worker.ts`). */
  fit?: (vectors: number[][], options: FitOptions) => ClusterFit | Promise<ClusterFit>;
}

export type ClusteringRun =
  | {
      status: 'fitted';
      model: ClusterModel;
      /** PSI per feature against the previous run's sample (null on the first run). */
      drift: FeatureDrift[] | null;
      /** Previous clusters no new cluster matched. */
      disappeared: string[];
      /** New cluster ids. */
      appeared: string[];
    }
  | { status: 'skipped'; reason: string; population: number };

export const DEFAULT_SAMPLE_SIZE = 50_000;

/** Topics kept per sampled profile (its largest shares): enough to rank the sample's top topics. */
const TOPICS_PER_SAMPLED_PROFILE = 8;

const NO_TOPICS: ReadonlyMap<string, number> = new Map();

interface SampledProfile {
  base: Float64Array;
  topics: [string, number][];
}

const sampledProfile = (profile: StoredProfile, now: number, halfLifeSec: number): SampledProfile => {
  const base = new Float64Array(FEATURES.length);
  writeFeatures(profile, now, NO_TOPICS, halfLifeSec, base);
  return { base, topics: topicShares(profile, now, halfLifeSec).slice(0, TOPICS_PER_SAMPLED_PROFILE) };
};

/** The topics with the largest summed share over the sample (ties: alphabetical). */
export const commonTopics = (sample: readonly { topics: readonly [string, number][] }[], count: number): string[] => {
  const totals = new Map<string, number>();
  for (const { topics } of sample) for (const [topic, share] of topics) totals.set(topic, (totals.get(topic) ?? 0) + share);
  return [...totals]
    .filter(([, total]) => total > 0)
    .sort((a, b) => b[1] - a[1] || (a[0] < b[0] ? -1 : 1))
    .slice(0, count)
    .map(([topic]) => topic);
};

export const runClustering = async (input: RunClusteringInput): Promise<ClusteringRun> => {
  const { pages, assign, now, onProgress } = input;
  // A model stored by another version of this code is not compared with (its features may differ in meaning).
  const previous = input.previous?.version === CLUSTER_MODEL_VERSION ? input.previous : null;
  const sampleSize = input.sampleSize ?? DEFAULT_SAMPLE_SIZE;
  const options = input.options ?? {};
  const seed = options.seed ?? DEFAULT_FIT_OPTIONS.seed;
  const halfLifeSec = options.affinityHalfLifeSec ?? DEFAULT_AFFINITY_HALF_LIFE_SEC;

  // Pass 1: reservoir sampling (Algorithm R), seeded.
  const random = seededRandom(seed ^ 0x5eed);
  const sample: SampledProfile[] = [];
  let population = 0;
  for await (const page of pages()) {
    for (const { profile } of page) {
      population += 1;
      if (sample.length < sampleSize) sample.push(sampledProfile(profile, now, halfLifeSec));
      else {
        const slot = Math.floor(random() * population);
        if (slot < sampleSize) sample[slot] = sampledProfile(profile, now, halfLifeSec);
      }
    }
    onProgress?.({ phase: 'sampling', scanned: population, assigned: 0 });
  }
  onProgress?.({ phase: 'fitting', scanned: population, assigned: 0, population });

  const topics = commonTopics(sample, options.topicCount ?? TOPIC_FEATURE_COUNT);
  const features = featureSpecs(topics);
  const vectors = sample.map(({ base, topics: shares }) => {
    const vector = Array.from(base);
    const shareOf = new Map(shares);
    for (const topic of topics) vector.push(shareOf.get(topic) ?? 0);
    return vector;
  });
  const scaling = fitScaling(vectors, features);
  let fit;
  try {
    fit = await (input.fit ?? fitClusters)(
      vectors.map((vector) => applyScaling(vector, scaling)),
      options
    );
  } catch (error) {
    // Too few distinct profiles to cluster (a new site): nothing to fit yet, not a failure.
    if (error instanceof NotEnoughProfilesError) return { status: 'skipped', reason: error.message, population };
    throw error;
  }

  const space = previous ? commonSpace(previous, { features, scaling, centroids: fit.centroids }) : null;
  const match = matchClusters(
    previous && space ? previous.ids.map((id, index) => ({ id, centroid: space.previous[index] })) : [],
    space ? space.next : fit.centroids,
    { maxDistance: options.maxMatchDistance, lastIdNumber: previous?.lastIdNumber ?? 0 }
  );
  const featureNames = features.map((feature) => feature.name);
  const model: ClusterModel = {
    version: CLUSTER_MODEL_VERSION,
    fittedAt: now,
    features,
    topics,
    affinityHalfLifeSec: halfLifeSec,
    scaling,
    k: fit.k,
    centroids: fit.centroids,
    ids: match.ids,
    lastIdNumber: match.lastIdNumber,
    scores: fit.scores,
    sizes: new Array<number>(fit.k).fill(0),
    descriptions: fit.centroids.map((centroid) => describeCentroid(centroid, { features, scaling }, options.describe)),
    sampleSize: sample.length,
    population,
    reference: driftReference(vectors, featureNames),
  };
  const drift = previous ? driftFromReference(previous.reference, vectors, featureNames) : null;
  sample.length = 0;

  // Pass 2: every profile to its nearest centroid, one page at a time.
  const compiled = compileModel(model);
  let assigned = 0;
  for await (const page of pages()) {
    const batch = page.map(({ visitorId, profile }) => {
      const { id, index } = assignCompiled(compiled, profile, now);
      model.sizes[index] += 1;
      return { visitorId, clusterId: id };
    });
    await assign(batch);
    assigned += batch.length;
    onProgress?.({ phase: 'assigning', scanned: population, assigned, population });
  }
  return { status: 'fitted', model, drift, disappeared: match.disappeared, appeared: match.appeared };
};
