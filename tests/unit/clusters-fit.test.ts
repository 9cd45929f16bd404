import { fitClusters, NotEnoughProfilesError } from '../../server/src/clusters/fit-clusters';
import { seededRandom } from '../../server/src/clusters/seeded-random';
import { meanSilhouette, pairwiseDistances } from '../../server/src/clusters/silhouette';

const blobs = (centers: number[][], perBlob: number, spread: number, seed = 1) => {
  const random = seededRandom(seed);
  const gaussian = () => Math.sqrt(-2 * Math.log(1 - random())) * Math.cos(2 * Math.PI * random());
  return centers.flatMap((center) => Array.from({ length: perBlob }, () => center.map((value) => value + spread * gaussian())));
};

describe('silhouette (golden)', () => {
  it('is the mean of (b − a) / max(a, b)', () => {
    const distances = pairwiseDistances([[0], [1], [10], [11]]);
    expect(Array.from(distances.values)).toEqual([1, 10, 11, 9, 10, 1]);
    expect(meanSilhouette(distances, [0, 0, 1, 1], 2)).toBeCloseTo(0.899749373433584, 6);
  });

  it('counts a point alone in its cluster as 0, and a bad split below a good one', () => {
    const distances = pairwiseDistances([[0], [1], [10], [11]]);
    expect(meanSilhouette(distances, [0, 1, 1, 1], 2)).toBeLessThan(meanSilhouette(distances, [0, 0, 1, 1], 2));
    expect(meanSilhouette(pairwiseDistances([[0]]), [0], 1)).toBe(0);
  });
});

describe('fitClusters', () => {
  const centers = [[0, 0, 0], [8, 0, 0], [0, 8, 0], [0, 0, 8]];
  const vectors = blobs(centers, 150, 1);

  it('chooses the planted k by silhouette and keeps inertia per k for the elbow', () => {
    const fit = fitClusters(vectors, { kMin: 2, kMax: 7 });
    expect(fit.k).toBe(4);
    expect(fit.scores.map((score) => score.k)).toEqual([2, 3, 4, 5, 6, 7]);
    const silhouettes = fit.scores.map((score) => score.silhouette);
    expect(Math.max(...silhouettes)).toBe(fit.scores[2].silhouette);
    // Inertia falls with k; the elbow is at the planted k (the drop after it is small).
    const inertia = fit.scores.map((score) => score.inertia);
    for (let i = 1; i < inertia.length; i++) expect(inertia[i]).toBeLessThan(inertia[i - 1]);
    expect(inertia[2] - inertia[3]).toBeLessThan((inertia[1] - inertia[2]) / 5);
    expect(fit.sizes).toEqual([150, 150, 150, 150]);
    // Every planted blob is one cluster.
    for (let blob = 0; blob < 4; blob++) expect(new Set(fit.labels.slice(blob * 150, blob * 150 + 150)).size).toBe(1);
  });

  it('is deterministic for a seed, and refits the winner on all vectors when k was chosen on a subsample', () => {
    const options = { kMax: 6, selectionSample: 200, silhouetteSample: 150, seed: 42 };
    const first = fitClusters(vectors, options);
    expect(fitClusters(vectors, options)).toEqual(first);
    expect(first.k).toBe(4);
    expect(first.labels).toHaveLength(vectors.length);
    expect(first.sizes.reduce((sum, size) => sum + size, 0)).toBe(600);
  });

  it('refuses data with too few distinct points, or too few points, to choose k', () => {
    expect(() => fitClusters([[1, 1], [1, 1], [1, 1]])).toThrow(NotEnoughProfilesError);
    expect(() => fitClusters([[1, 1], [2, 2]])).toThrow(NotEnoughProfilesError);
    expect(() => fitClusters([[1, 1], [1, 1], [2, 2], [3, 3]], { kMin: 4 })).toThrow(NotEnoughProfilesError);
    expect(fitClusters([[1, 1], [1, 1], [2, 2]]).k).toBe(2);
  });

  it('finds k behaviours among visitors who each behaved exactly like others (k distinct points)', () => {
    const alike = [[0, 0], [10, 0], [0, 10]].flatMap((point) => Array.from({ length: 60 }, () => [...point]));
    const fit = fitClusters(alike, { kMin: 3, kMax: 6 });
    expect(fit.k).toBe(3);
    expect(fit.sizes).toEqual([60, 60, 60]);
  });
});
