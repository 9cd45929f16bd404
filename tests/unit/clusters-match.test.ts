import { minimumCostAssignment } from '../../server/src/clusters/hungarian';
import { matchClusters } from '../../server/src/clusters/match-clusters';

describe('minimumCostAssignment (Hungarian)', () => {
  it('finds the optimum of a square matrix', () => {
    // Row 0 -> 1 (1), row 1 -> 0 (2), row 2 -> 2 (2): 5; greedy by row would take 1 + 5 + 3 = 9... or worse.
    expect(minimumCostAssignment([[4, 1, 3], [2, 0, 5], [3, 2, 2]])).toEqual([1, 0, 2]);
  });

  it('handles more columns than rows, and more rows than columns (-1: no column left)', () => {
    expect(minimumCostAssignment([[9, 1, 9], [1, 9, 9]])).toEqual([1, 0]);
    expect(minimumCostAssignment([[9, 1], [1, 9], [5, 5]])).toEqual([1, 0, -1]);
    expect(minimumCostAssignment([[9, 1], [1, 9], [0.4, 0.6]])).toEqual([1, -1, 0]);
    expect(minimumCostAssignment([])).toEqual([]);
  });

  it('agrees with brute force on random matrices', () => {
    let seed = 7;
    const random = () => ((seed = (seed * 48271) % 2147483647) / 2147483647);
    const permutations = (n: number): number[][] => (n === 0 ? [[]] : permutations(n - 1).flatMap((p) => Array.from({ length: n }, (_, i) => [...p.slice(0, i), n - 1, ...p.slice(i)])));
    for (let round = 0; round < 30; round++) {
      const n = 2 + (round % 5);
      const cost = Array.from({ length: n }, () => Array.from({ length: n }, () => Math.round(random() * 100)));
      const total = (assignment: number[]) => assignment.reduce((sum, column, row) => sum + cost[row][column], 0);
      const best = Math.min(...permutations(n).map(total));
      expect(total(minimumCostAssignment(cost))).toBe(best);
    }
  });
});

describe('matchClusters', () => {
  const previous = [
    { id: 'c1', centroid: [0, 0] },
    { id: 'c2', centroid: [5, 0] },
    { id: 'c3', centroid: [0, 5] },
  ];

  it('gives a permuted re-run the same ids', () => {
    expect(matchClusters(previous, [[0, 5.1], [0.1, 0], [5, 0.1]], { lastIdNumber: 3 })).toEqual({
      ids: ['c3', 'c1', 'c2'],
      disappeared: [],
      appeared: [],
      distances: [expect.closeTo(0.1, 9), expect.closeTo(0.1, 9), expect.closeTo(0.1, 9)],
      lastIdNumber: 3,
    });
  });

  it('reports a cluster that truly vanished and gives its replacement a new id, never reusing one', () => {
    const match = matchClusters(previous, [[0, 0], [5, 0], [10, 10]], { lastIdNumber: 3 });
    expect(match).toMatchObject({ ids: ['c1', 'c2', 'c4'], disappeared: ['c3'], appeared: ['c4'], lastIdNumber: 4 });
    // c4 vanished in a run between: the next new cluster is c8, not c4 again.
    expect(matchClusters([{ id: 'c1', centroid: [0, 0] }], [[0, 0], [9, 9]], { lastIdNumber: 7 }).ids).toEqual(['c1', 'c8']);
  });

  it('reports the leftovers when k shrinks and new ids when it grows', () => {
    expect(matchClusters(previous, [[5, 0], [0, 0]], { lastIdNumber: 3 })).toMatchObject({ ids: ['c2', 'c1'], disappeared: ['c3'], appeared: [] });
    expect(matchClusters(previous, [[0, 0], [5, 0], [0, 5], [2.5, 2.5]], { lastIdNumber: 3 })).toMatchObject({ ids: ['c1', 'c2', 'c3', 'c4'], appeared: ['c4'] });
  });

  it('minimizes the total distance where nearest-first would not', () => {
    // Nearest-first: [1.1] takes B (0.9), leaving [3.5] with A (3.5): 4.4. Optimal: 1.1 + 1.5 = 2.6.
    const match = matchClusters([{ id: 'c1', centroid: [0] }, { id: 'c2', centroid: [2] }], [[1.1], [3.5]], { maxDistance: 10 });
    expect(match.ids).toEqual(['c1', 'c2']);
  });

  it('numbers from the previous ids when no last number is given, and from c1 on a first run', () => {
    expect(matchClusters([], [[0], [1]]).ids).toEqual(['c1', 'c2']);
    expect(matchClusters([{ id: 'c5', centroid: [0] }], [[100]]).ids).toEqual(['c6']);
  });

  it('defaults the threshold to 0.5 per feature (root mean square)', () => {
    const near = matchClusters([{ id: 'c1', centroid: [0, 0, 0, 0] }], [[0.9, 0, 0, 0]]);
    const far = matchClusters([{ id: 'c1', centroid: [0, 0, 0, 0] }], [[1.1, 0, 0, 0]]);
    expect([near.ids, far.ids, far.disappeared]).toEqual([['c1'], ['c2'], ['c1']]);
  });
});
