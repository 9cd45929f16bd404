import type { ClusterModel } from '../../server/src/clusters/cluster-model';
import { featureSpecs, featureVector } from '../../server/src/clusters/feature-vector';
import { assignCluster } from '../../server/src/clusters/nearest-centroid';
import { runClustering, type ClusteringProgress, type ProfilePageEntry } from '../../server/src/clusters/run-clustering';
import { applyScaling } from '../../server/src/clusters/scaling';
import type { StoredProfile } from '../../server/src/store/profile-store';
import { ARCHETYPES, syntheticProfiles } from '../helpers/synthetic-profiles';

const NOW = 1_790_000_000;
const DAY = 86_400;

/** An in-memory profile source, paged like the store's scan. */
const source = (entries: ProfilePageEntry[], pageSize = 250) => ({
  reads: 0,
  pages() {
    this.reads += 1;
    return (async function* () {
      for (let start = 0; start < entries.length; start += pageSize) yield entries.slice(start, start + pageSize);
    })();
  },
});

const run = async (entries: ProfilePageEntry[], previous: ClusterModel | null, extra: Partial<Parameters<typeof runClustering>[0]> = {}) => {
  const profiles = source(entries);
  const assigned = new Map<string, string>();
  const progress: ClusteringProgress[] = [];
  const result = await runClustering({
    pages: () => profiles.pages(),
    assign: async (batch) => {
      for (const { visitorId, clusterId } of batch) {
        expect(assigned.has(visitorId)).toBe(false);
        assigned.set(visitorId, clusterId);
      }
    },
    previous,
    now: NOW,
    options: { kMax: 8 },
    onProgress: (entry) => progress.push(entry),
    ...extra,
  });
  return { result, assigned, progress, reads: profiles.reads };
};

/** Cluster id -> the planted archetype most of its visitors come from, and how many do. */
const purity = (entries: { visitorId: string; archetype: string }[], assigned: Map<string, string>) => {
  const counts = new Map<string, Map<string, number>>();
  for (const { visitorId, archetype } of entries) {
    const cluster = assigned.get(visitorId)!;
    const byArchetype = counts.get(cluster) ?? new Map<string, number>();
    byArchetype.set(archetype, (byArchetype.get(archetype) ?? 0) + 1);
    counts.set(cluster, byArchetype);
  }
  return new Map(
    [...counts].map(([cluster, byArchetype]) => {
      const [archetype, count] = [...byArchetype].sort((a, b) => b[1] - a[1])[0];
      const total = [...byArchetype.values()].reduce((sum, value) => sum + value, 0);
      return [archetype, { cluster, share: count / total }];
    })
  );
};

describe('runClustering over a source with planted clusters', () => {
  const entries = syntheticProfiles(2_000, NOW, 1);

  it('recovers the planted kinds of visitor, assigns everyone once in pages, and describes them', async () => {
    const { result, assigned, progress, reads } = await run(entries, null);
    if (result.status !== 'fitted') throw new Error(result.reason);
    const { model } = result;
    expect(model.k).toBe(4);
    expect(reads).toBe(2);
    expect(assigned.size).toBe(2_000);
    expect(model.sizes.reduce((sum, size) => sum + size, 0)).toBe(2_000);
    expect(model.ids).toEqual(['c1', 'c2', 'c3', 'c4']);
    expect([result.drift, result.disappeared, result.appeared]).toEqual([null, [], ['c1', 'c2', 'c3', 'c4']]);
    const byArchetype = purity(entries, assigned);
    expect([...byArchetype.keys()].sort()).toEqual(ARCHETYPES.map((archetype) => archetype.name).sort());
    for (const { share } of byArchetype.values()) expect(share).toBeGreaterThan(0.95);
    const describe = (archetype: string) => model.descriptions[model.ids.indexOf(byArchetype.get(archetype)!.cluster)];
    expect(describe('video-lovers')).toMatch(/watches video/);
    expect(describe('shoppers')).toMatch(/adds to cart|buys/);
    expect(describe('bouncers')).toMatch(/single page view|one session/);
    // Every synthetic visitor has a little Documentary; bouncers have nothing else (share 1).
    expect(model.topics).toEqual(['Documentary', 'Drama', 'Comedy']);
    expect(model.features).toEqual(featureSpecs(model.topics));
    expect(model.scores.map((score) => score.k)).toEqual([2, 3, 4, 5, 6, 7, 8]);
    expect(model.sampleSize).toBe(2_000);
    expect(JSON.parse(JSON.stringify(model))).toEqual(model);
    expect(progress.map((entry) => entry.phase)).toEqual([...new Array(8).fill('sampling'), 'fitting', ...new Array(8).fill('assigning')]);
    expect(progress.at(-1)).toEqual({ phase: 'assigning', scanned: 2_000, assigned: 2_000, population: 2_000 });
  });

  it('fits on a reservoir sample when the store is larger than the sample, and assigns everyone', async () => {
    const { result, assigned } = await run(entries, null, { sampleSize: 500 });
    if (result.status !== 'fitted') throw new Error(result.reason);
    expect([result.model.sampleSize, result.model.population, result.model.k, assigned.size]).toEqual([500, 2_000, 4, 2_000]);
    for (const { share } of purity(entries, assigned).values()) expect(share).toBeGreaterThan(0.95);
  });

  it('keeps cluster ids for the same people across runs, and reports a kind of visitor that vanished', async () => {
    const first = await run(entries, null);
    if (first.result.status !== 'fitted') throw new Error(first.result.reason);
    const firstIds = purity(entries, first.assigned);

    // A re-run on new visitors of the same kinds, with another seed (k-means numbers clusters anew).
    const again = syntheticProfiles(2_000, NOW + DAY, 2);
    const second = await run(again, first.result.model, { now: NOW + DAY, options: { kMax: 8, seed: 99 } });
    if (second.result.status !== 'fitted') throw new Error(second.result.reason);
    const secondIds = purity(again, second.assigned);
    for (const archetype of ARCHETYPES) expect([archetype.name, secondIds.get(archetype.name)!.cluster]).toEqual([archetype.name, firstIds.get(archetype.name)!.cluster]);
    expect([second.result.disappeared, second.result.appeared, second.result.model.lastIdNumber]).toEqual([[], [], 4]);
    expect(second.result.drift!.every((entry) => entry.reading === 'stable')).toBe(true);

    // The shoppers are gone: their cluster is reported, not silently renamed; nobody else moves.
    const withoutShoppers = syntheticProfiles(1_500, NOW + 2 * DAY, 3, ARCHETYPES.filter((archetype) => archetype.name !== 'shoppers'));
    const third = await run(withoutShoppers, second.result.model, { now: NOW + 2 * DAY });
    if (third.result.status !== 'fitted') throw new Error(third.result.reason);
    expect(third.result.model.k).toBe(3);
    expect(third.result.disappeared).toEqual([firstIds.get('shoppers')!.cluster]);
    const thirdIds = purity(withoutShoppers, third.assigned);
    for (const name of ['video-lovers', 'readers', 'bouncers']) expect(thirdIds.get(name)!.cluster).toBe(firstIds.get(name)!.cluster);
    // Cart adds and orders vanished with them: drift says so.
    const drift = new Map(third.result.drift!.map((entry) => [entry.feature, entry.reading]));
    expect(drift.get('cartAdds')).toBe('shifted');
  });

  it('skips a store with too few distinct profiles', async () => {
    const { result, assigned } = await run(entries.slice(0, 2), null);
    expect(result).toEqual({ status: 'skipped', reason: expect.stringMatching(/distinct profiles/), population: 2 });
    expect(assigned.size).toBe(0);
  });
});

describe('assignCluster', () => {
  const entries = syntheticProfiles(1_200, NOW, 5);
  let model: ClusterModel;
  beforeAll(async () => {
    const { result } = await run(entries, null);
    if (result.status !== 'fitted') throw new Error(result.reason);
    model = result.model;
  });

  it('agrees with the reference path (featureVector, applyScaling, nearest centroid by brute force)', () => {
    for (const { profile } of entries.slice(0, 300)) {
      const scaled = applyScaling(featureVector(profile, NOW, model.topics, model.affinityHalfLifeSec), model.scaling);
      const distances = model.centroids.map((centroid) => Math.sqrt(centroid.reduce((sum, value, d) => sum + (value - scaled[d]) ** 2, 0)));
      const index = distances.indexOf(Math.min(...distances));
      const assignment = assignCluster(model, profile, NOW);
      expect([assignment.index, assignment.id]).toEqual([index, model.ids[index]]);
      expect(assignment.distance).toBeCloseTo(distances[index], 9);
    }
  });

  it('answers from a model read back from JSON, and for an empty profile (golden)', () => {
    const stored = JSON.parse(JSON.stringify(model)) as ClusterModel;
    for (const { profile } of entries.slice(0, 20)) expect(assignCluster(stored, profile, NOW)).toEqual(assignCluster(model, profile, NOW));
    const golden: ClusterModel = {
      ...model,
      features: featureSpecs(['Sci-Fi']),
      topics: ['Sci-Fi'],
      scaling: { transforms: featureSpecs(['Sci-Fi']).map(() => 'none'), mean: new Array(14).fill(0), std: new Array(14).fill(1) },
      k: 2,
      ids: ['c7', 'c9'],
      centroids: [new Array(14).fill(0), [20, 4, 5, 600, 30, 50, 12, 5, 1, 1, 2, 8, 1, 0.75]],
    };
    const empty: StoredProfile = { fields: {}, windows: {}, recent: [], steps: [], traits: {}, segments: [] };
    expect(assignCluster(golden, empty, NOW)).toEqual({ id: 'c7', index: 0, distance: 0 });
    const watcher: StoredProfile = {
      ...empty,
      fields: {
        fs: String(NOW - 10 * DAY), ls: String(NOW - 2 * DAY), sn: '4', pv: '20', dw: '600', su: '1000', 'e:Video Playback Started': '5', 'e:Product Added': '1',
        'e:Order Completed': '1', 'e:Link Clicked': '5', 'a1:dv': 'tablet', 't:Sci-Fi': `3000|${NOW}`, 't:Drama': `1000|${NOW}`,
      },
    };
    expect(assignCluster(golden, watcher, NOW)).toEqual({ id: 'c9', index: 1, distance: 0 });
  });
});
