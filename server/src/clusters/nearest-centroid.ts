import type { StoredProfile } from '../store/profile-store';
import type { ClusterModel } from './cluster-model';
import { FEATURES, topicSlots, writeFeatures } from './feature-vector';
import { transformValue } from './scaling';

/**
 * The nearest centroid of a profile: what the ingest path calls on every changed profile (budget:
 * under 5 µs with the feature vector). The model is compiled once (flat arrays, log1p flags, the
 * topic positions) and kept beside it in a WeakMap, so that a call allocates nothing but its answer.
 */
export interface ClusterAssignment {
  id: string;
  index: number;
  /** Euclidean distance to the centroid in the scaled space. */
  distance: number;
}

export interface CompiledModel {
  ids: readonly string[];
  k: number;
  dimensions: number;
  /** Vector position of each topic feature by its profile field. */
  slots: ReadonlyMap<string, number>;
  affinityHalfLifeSec: number;
  logFlags: Uint8Array;
  mean: Float64Array;
  /** 1 / std, so that scaling multiplies. */
  inverseStd: Float64Array;
  /** Centroid c's coordinate d at c * dimensions + d. */
  centroids: Float64Array;
  /** Scratch vector, reused by every call (JavaScript runs one call at a time). */
  scratch: Float64Array;
}

export const compileModel = (model: ClusterModel): CompiledModel => {
  const dimensions = model.features.length;
  const slots = topicSlots(model.topics);
  if (dimensions !== FEATURES.length + model.topics.length || model.centroids.some((centroid) => centroid.length !== dimensions)) {
    throw new Error('cluster model: centroids do not match its features');
  }
  const centroids = new Float64Array(model.k * dimensions);
  model.centroids.forEach((centroid, c) => centroids.set(centroid, c * dimensions));
  return {
    ids: model.ids,
    k: model.k,
    dimensions,
    slots,
    affinityHalfLifeSec: model.affinityHalfLifeSec,
    logFlags: Uint8Array.from(model.scaling.transforms, (transform) => (transform === 'log1p' ? 1 : 0)),
    mean: Float64Array.from(model.scaling.mean),
    inverseStd: Float64Array.from(model.scaling.std, (std) => 1 / std),
    centroids,
    scratch: new Float64Array(dimensions),
  };
};

const compiledModels = new WeakMap<ClusterModel, CompiledModel>();

const compiled = (model: ClusterModel): CompiledModel => {
  let entry = compiledModels.get(model);
  if (!entry) {
    entry = compileModel(model);
    compiledModels.set(model, entry);
  }
  return entry;
};

/** Nearest centroid of an already compiled model. */
export const assignCompiled = (model: CompiledModel, profile: StoredProfile, now: number): ClusterAssignment => {
  const { scratch: vector, dimensions, logFlags, mean, inverseStd, centroids } = model;
  writeFeatures(profile, now, model.slots, model.affinityHalfLifeSec, vector);
  for (let d = 0; d < dimensions; d++) {
    vector[d] = ((logFlags[d] === 1 ? transformValue(vector[d], 'log1p') : vector[d]) - mean[d]) * inverseStd[d];
  }
  let bestIndex = 0;
  let bestDistance = Infinity;
  for (let c = 0; c < model.k; c++) {
    const offset = c * dimensions;
    let sum = 0;
    for (let d = 0; d < dimensions && sum < bestDistance; d++) {
      const delta = vector[d] - centroids[offset + d];
      sum += delta * delta;
    }
    if (sum < bestDistance) {
      bestDistance = sum;
      bestIndex = c;
    }
  }
  return { id: model.ids[bestIndex], index: bestIndex, distance: Math.sqrt(bestDistance) };
};

/** The profile's cluster under `model` at `now` (epoch seconds). */
export const assignCluster = (model: ClusterModel, profile: StoredProfile, now: number): ClusterAssignment =>
  assignCompiled(compiled(model), profile, now);
