import { assignArm, HOLDOUT, unitHash } from '../../server/src/experiments/bucketing';
import { experimentResults } from '../../server/src/experiments/results';
import { chiSquareSurvival, normalCdf, sampleRatioTest, twoProportionZTest, wilsonInterval } from '../../server/src/experiments/statistics';

describe('bucketing', () => {
  const ids = Array.from({ length: 100_000 }, (_, i) => `visitor-${i}-${(i * 2654435761) % 1_000_003}`);

  it('maps to [0, 1) deterministically', () => {
    expect(unitHash('abc')).toBe(unitHash('abc'));
    for (const id of ids.slice(0, 1000)) {
      const u = unitHash(id);
      expect(u).toBeGreaterThanOrEqual(0);
      expect(u).toBeLessThan(1);
    }
  });

  it.each([
    [[50, 50]],
    [[90, 10]],
    [[20, 30, 50]],
    [[1, 1, 1, 1]],
  ])('splits 100,000 synthetic ids within 1 %% of the weights %j', (weights) => {
    const arms = weights.map((weight, i) => ({ key: `arm-${i}`, weight }));
    const counts = new Map<string, number>();
    for (const id of ids) {
      const arm = assignArm('exp-split', id, arms);
      counts.set(arm, (counts.get(arm) ?? 0) + 1);
    }
    const total = weights.reduce((a, b) => a + b, 0);
    arms.forEach((arm) => {
      expect(Math.abs((counts.get(arm.key) ?? 0) / ids.length - arm.weight / total)).toBeLessThan(0.01);
    });
  });

  it('puts the holdout share aside first, then splits the rest by weight', () => {
    const counts = { [HOLDOUT]: 0, a: 0, b: 0 } as Record<string, number>;
    for (const id of ids) counts[assignArm('exp-holdout', id, [{ key: 'a', weight: 1 }, { key: 'b', weight: 1 }], 10)] += 1;
    expect(Math.abs(counts[HOLDOUT] / ids.length - 0.1)).toBeLessThan(0.01);
    expect(Math.abs(counts.a / ids.length - 0.45)).toBeLessThan(0.01);
  });

  it('keeps a visitor in the same arm, and differs between experiments', () => {
    const arms = [{ key: 'a', weight: 1 }, { key: 'b', weight: 1 }];
    expect(assignArm('exp-1', 'v-1', arms)).toBe(assignArm('exp-1', 'v-1', arms));
    const agree = ids.slice(0, 10_000).filter((id) => assignArm('exp-1', id, arms) === assignArm('exp-2', id, arms)).length;
    expect(Math.abs(agree / 10_000 - 0.5)).toBeLessThan(0.02);
  });
});

describe('statistics', () => {
  it('computes the normal CDF (standard table values)', () => {
    expect(normalCdf(0)).toBeCloseTo(0.5, 7);
    expect(normalCdf(1.959964)).toBeCloseTo(0.975, 6);
    expect(normalCdf(-2.575829)).toBeCloseTo(0.005, 6);
    expect(normalCdf(3)).toBeCloseTo(0.9986501, 6);
  });

  it.each([
    [3.841459, 1, 0.05],
    [6.634897, 1, 0.01],
    [5.991465, 2, 0.05],
    [7.814728, 3, 0.05],
    [9.487729, 4, 0.05],
    [18.307038, 10, 0.05],
    [0.454936, 1, 0.5],
  ])('chi-square survival of %d with %d degrees of freedom is %d (published critical values)', (chi2, df, p) => {
    expect(chiSquareSurvival(chi2, df)).toBeCloseTo(p, 5);
  });

  it('gives the Wilson interval (hand-computed)', () => {
    // 20 of 100: centre (0.2 + z²/200) / (1 + z²/100), margin z·sqrt(0.0016 + z²/40000) / (1 + z²/100).
    const [low, high] = wilsonInterval(20, 100);
    expect(low).toBeCloseTo(0.133367, 5);
    expect(high).toBeCloseTo(0.288829, 5);
    expect(wilsonInterval(0, 0)).toEqual([0, 0]);
    expect(wilsonInterval(0, 50)[0]).toBe(0);
  });

  it('runs a two-proportion z-test (hand-computed)', () => {
    // 250/1000 vs 200/1000: pooled 0.225, se = sqrt(0.225·0.775·0.002) = 0.018675, z = 2.6774.
    const test = twoProportionZTest(250, 1000, 200, 1000)!;
    expect(test.z).toBeCloseTo(2.6774, 3);
    expect(test.pValue).toBeCloseTo(0.00742, 4);
    expect(twoProportionZTest(1, 0, 1, 10)).toBeNull();
    expect(twoProportionZTest(0, 10, 0, 10)).toBeNull();
  });

  it('matches a worked textbook example: 61 of 197 against 41 of 198', () => {
    // Pooled p = 102/395 = 0.2582; z = (0.3096 - 0.2071) / 0.04401 = 2.329; two-sided p = 0.0199
    // (checked independently with Python's math.erfc).
    const test = twoProportionZTest(61, 197, 41, 198)!;
    expect(test.z).toBeCloseTo(2.329, 3);
    expect(test.pValue).toBeCloseTo(0.0199, 4);
  });

  it('flags a sample-ratio mismatch, and not a fair split', () => {
    expect(sampleRatioTest([5000, 5100], [1, 1])!.pValue).toBeGreaterThan(0.3);
    expect(sampleRatioTest([5000, 5600], [1, 1])!.pValue).toBeLessThan(0.001);
    expect(sampleRatioTest([0, 0], [1, 1])).toBeNull();
  });
});

describe('experiment results', () => {
  it('reports rate, interval, lift, z, p per arm and goal, and the sample ratio', () => {
    const results = experimentResults(
      [
        { key: 'control', weight: 50, visitors: 1000, conversions: { signup: { visitors: 200, total: 260 } } },
        { key: 'b', weight: 50, visitors: 1000, conversions: { signup: { visitors: 250, total: 300 } } },
      ],
      ['signup'],
      'control'
    );
    expect(results.arms[0].goals.signup).toEqual({ conversions: 200, total: 260, rate: 0.2, interval: [expect.any(Number), expect.any(Number)], lift: null, z: null, pValue: null, significant: null });
    expect(results.arms[1].goals.signup).toMatchObject({ conversions: 250, rate: 0.25, lift: 0.25, z: 2.6774, significant: true });
    expect(results.sampleRatio).toMatchObject({ df: 1, mismatch: false });
  });
});
