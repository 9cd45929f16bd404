import type { DriftReference } from './drift';
import type { FeatureSpec } from './feature-vector';
import type { Scaling } from './scaling';

/** Quality of the clustering at one k: inertia for the elbow chart, silhouette for the choice. */
export interface KScore {
  k: number;
  /** Sum of squared distances of the sample to their centroids (scaled space). */
  inertia: number;
  /** Mean silhouette of the silhouette sample, -1..1 (higher: tighter, better separated). */
  silhouette: number;
}

/**
 * What a clustering run produces and the plugin stores (JSON): everything needed to assign a
 * profile to a cluster without the training data, to describe clusters, and to compare the next run.
 */
export interface ClusterModel {
  version: 1;
  /** Epoch seconds of the run. */
  fittedAt: number;
  /** Features in vector order: the base features, then one per kept topic. */
  features: FeatureSpec[];
  /** The topics kept as features (the most common in the sample). */
  topics: string[];
  /** Half-life of topic affinity the shares were decayed with (the plugin's `affinity.halfLifeDays`). */
  affinityHalfLifeSec: number;
  scaling: Scaling;
  k: number;
  /** Centroids in the scaled space, in cluster order. */
  centroids: number[][];
  /** Stable cluster ids in cluster order (`c1`, `c2`, ...): kept across runs for the same people. */
  ids: string[];
  /** The highest id number handed out so far, by this run or any before it: ids are never reused. */
  lastIdNumber: number;
  /** One entry per k tried, in k order. */
  scores: KScore[];
  /** Profiles assigned to each cluster by the run's full pass. */
  sizes: number[];
  /** Plain words per cluster: "watches video, Sci-Fi, mobile, 3+ sessions". */
  descriptions: string[];
  /** Profiles the model was fitted on (a reservoir sample of the store). */
  sampleSize: number;
  /** Profiles in the store when the run scanned it. */
  population: number;
  /** The sample's feature distributions, for the next run's and the live stream's drift. */
  reference: DriftReference;
}

export const CLUSTER_MODEL_VERSION = 1 as const;
