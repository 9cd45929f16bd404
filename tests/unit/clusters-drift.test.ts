import { binOf, binShares, countLive, decileEdges, driftFromReference, driftReport, emptyLiveCounts, driftReference, liveDrift, populationStabilityIndex, readPsi } from '../../server/src/clusters/drift';

describe('populationStabilityIndex (golden)', () => {
  it('is 0 for the same distribution', () => {
    expect(populationStabilityIndex([0.5, 0.5], [0.5, 0.5])).toBe(0);
  });

  it('is Σ (a − e) ln(a / e)', () => {
    expect(populationStabilityIndex([0.5, 0.5], [0.9, 0.1])).toBeCloseTo(0.8788898309344878, 12);
  });

  it('floors empty bins at a small epsilon instead of going infinite', () => {
    expect(populationStabilityIndex([1, 0], [0.5, 0.5])).toBeCloseTo(4.60431846666895, 10);
  });

  it('reads below 0.1 as stable, 0.1-0.25 as moderate, above as shifted', () => {
    expect([0, 0.099, 0.1, 0.25, 0.2501, 3].map(readPsi)).toEqual(['stable', 'stable', 'moderate', 'moderate', 'shifted', 'shifted']);
  });
});

describe('decile bins', () => {
  it('cuts a spread sample into ten equal bins', () => {
    const values = [1, 2, 3, 4, 5, 6, 7, 8, 9, 10];
    expect(decileEdges(values)).toEqual([1, 2, 3, 4, 5, 6, 7, 8, 9]);
    expect(binShares(decileEdges(values), values)).toEqual(new Array(10).fill(0.1));
  });

  it('gives a point mass one bin (70 % zeros)', () => {
    const values = [0, 0, 0, 0, 0, 0, 0, 1, 2, 3];
    expect(decileEdges(values)).toEqual([0, 1, 2]);
    expect(binShares([0, 1, 2], values)).toEqual([0.7, 0.1, 0.1, 0.1]);
  });

  it('puts a value in the first bin whose edge it does not exceed', () => {
    expect([-5, 0, 0.5, 1, 2, 99].map((value) => binOf([0, 1, 2], value))).toEqual([0, 0, 1, 1, 2, 3]);
    expect(decileEdges([])).toEqual([]);
  });
});

describe('driftReport', () => {
  const spread = (n: number, shift: number) => Array.from({ length: n }, (_, i) => [i % 100, (i % 100) + shift]);

  it('finds nothing between two samples of one distribution, and a shift in the feature that moved', () => {
    const drift = driftReport(spread(1000, 0), spread(1000, 50), ['steady', 'moved']);
    expect(drift[0]).toEqual({ feature: 'steady', psi: 0, reading: 'stable' });
    expect(drift[1].feature).toBe('moved');
    expect(drift[1].reading).toBe('shifted');
  });

  it('compares features by name and leaves out those only one side has', () => {
    const reference = driftReference(spread(100, 0), ['a', 'topic:Old']);
    const current = Array.from({ length: 100 }, (_, i) => [0, i % 100]);
    const drift = driftFromReference(reference, current, ['topic:New', 'a']);
    expect(reference.features).toEqual(['a', 'topic:Old']);
    expect(drift.map((entry) => entry.feature)).toEqual(['a']);
    expect(drift[0].psi).toBeCloseTo(0, 12);
  });

  it('counts the live stream against the reference without a sample', () => {
    const reference = driftReference(spread(1000, 0), ['a', 'b']);
    const live = emptyLiveCounts(reference);
    for (const vector of spread(1000, 0)) countLive(live, reference, vector);
    expect(liveDrift(reference, live).map((entry) => entry.reading)).toEqual(['stable', 'stable']);
    for (const vector of spread(3000, 80)) countLive(live, reference, [vector[0], vector[1]]);
    expect(liveDrift(reference, live).map((entry) => entry.reading)).toEqual(['stable', 'shifted']);
  });
});
