import { minimumCostAssignment } from './hungarian';

/**
 * Stable cluster identity across runs. K-means numbers its clusters arbitrarily, and a variant aimed
 * at "cluster c3" must keep reaching the same kind of visitors after the next run; so a run's
 * centroids are matched to the previous run's by the assignment of least total distance (Hungarian
 * method) in one common space, and inherit their ids. A pair farther apart than `maxDistance` is not
 * the same cluster: the old one is reported as disappeared and the new one gets a new id. Ids are
 * `c1`, `c2`, ... and never reused (the model keeps the last number handed out).
 */
export interface MatchOptions {
  /**
   * Largest distance (scaled space: standard deviations) at which two centroids are still the same
   * cluster; default: 0.5 per feature in root-mean-square, 0.5·√dimensions.
   */
  maxDistance?: number;
  /** The highest id number handed out before (the previous model's `lastIdNumber`; 0 for none). */
  lastIdNumber?: number;
}

export interface ClusterMatch {
  /** Id of each new centroid, in order. */
  ids: string[];
  /** Previous ids no new centroid inherited. */
  disappeared: string[];
  /** New ids handed out by this match. */
  appeared: string[];
  /** Distance of each new centroid to the previous centroid whose id it took (null for new ids). */
  distances: (number | null)[];
  lastIdNumber: number;
}

export const CLUSTER_ID_PREFIX = 'c';

/** Per-feature root-mean-square distance under which two centroids count as one cluster. */
export const DEFAULT_MATCH_RMS = 0.5;

const distance = (p: readonly number[], q: readonly number[]) => {
  let sum = 0;
  for (let d = 0; d < p.length; d++) sum += (p[d] - q[d]) ** 2;
  return Math.sqrt(sum);
};

/** The number of an id like `c12` (0 for anything else). */
const idNumber = (id: string) => Number(/^c(\d+)$/.exec(id)?.[1] ?? 0);

export const matchClusters = (previous: readonly { id: string; centroid: readonly number[] }[], next: readonly (readonly number[])[], options: MatchOptions = {}): ClusterMatch => {
  const dimensions = next[0]?.length ?? previous[0]?.centroid.length ?? 0;
  const maxDistance = options.maxDistance ?? DEFAULT_MATCH_RMS * Math.sqrt(dimensions);
  // Never below an id the previous clusters carry, whatever the caller passed.
  let lastIdNumber = Math.max(options.lastIdNumber ?? 0, ...previous.map(({ id }) => idNumber(id)));

  const cost = next.map((centroid) => previous.map((old) => distance(centroid, old.centroid)));
  const pairing = previous.length === 0 ? next.map(() => -1) : minimumCostAssignment(cost);

  const ids: string[] = [];
  const appeared: string[] = [];
  const distances: (number | null)[] = [];
  const inherited = new Set<number>();
  next.forEach((_, index) => {
    const old = pairing[index];
    if (old >= 0 && cost[index][old] <= maxDistance) {
      ids.push(previous[old].id);
      distances.push(cost[index][old]);
      inherited.add(old);
    } else {
      lastIdNumber += 1;
      const id = `${CLUSTER_ID_PREFIX}${lastIdNumber}`;
      ids.push(id);
      appeared.push(id);
      distances.push(null);
    }
  });
  const disappeared = previous.filter((_, index) => !inherited.has(index)).map(({ id }) => id);
  return { ids, disappeared, appeared, distances, lastIdNumber };
};
