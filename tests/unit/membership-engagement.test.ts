import { engagementScore } from '../../server/src/segments/engagement/engagement-score';
import { addScore, histogramCuts, percentileCuts, percentileOf, type ScoreHistogram } from '../../server/src/segments/engagement/percentiles';
import { evaluateMembership, membershipChange, type CompiledSegment } from '../../server/src/segments/membership';
import { compileRules } from '../../server/src/segments/rules/compile-rules';
import type { StoredProfile } from '../../server/src/store/profile-store';

const profile = (fields: Record<string, string>): StoredProfile => ({ fields, windows: {}, recent: [], steps: [], traits: {}, segments: [] });

describe('membership', () => {
  const segments: CompiledSegment[] = [
    { slug: 'heavy', priority: 10, matches: compileRules({ fact: 'pageviews', op: 'gte', value: 10 }) },
    { slug: 'any-visitor', priority: 0, matches: compileRules({ all: [] }) },
    { slug: 'never', priority: 5, matches: compileRules({ any: [] }) },
  ];

  it('lists matching segments in the given (priority) order', () => {
    expect(evaluateMembership(segments, { profile: profile({ pv: '12' }), now: 0, affinityHalfLifeSec: 1, sessionGapSec: 1800 })).toEqual(['heavy', 'any-visitor']);
    expect(evaluateMembership(segments, { profile: profile({}), now: 0, affinityHalfLifeSec: 1, sessionGapSec: 1800 })).toEqual(['any-visitor']);
  });

  it('reports entered and left segments, or null when nothing changed', () => {
    expect(membershipChange(['a', 'b'], ['b', 'c'])).toEqual({ previous: ['a', 'b'], segments: ['b', 'c'], entered: ['c'], left: ['a'] });
    expect(membershipChange(['a'], ['a'])).toBeNull();
    expect(membershipChange([], [])).toBeNull();
    // A new priority order is stored, though nobody entered or left.
    expect(membershipChange(['a', 'b'], ['b', 'a'])).toEqual({ previous: ['a', 'b'], segments: ['b', 'a'], entered: [], left: [] });
  });
});

describe('engagement', () => {
  it('grows with each signal and is damped', () => {
    const none = engagementScore(profile({}));
    const some = engagementScore(profile({ sn: '2', pv: '5', dw: '300', 'e:Signup': '1' }));
    const more = engagementScore(profile({ sn: '20', pv: '50', dw: '3000', 'e:Signup': '10' }));
    expect(none).toBe(0);
    expect(some).toBeGreaterThan(none);
    expect(more).toBeGreaterThan(some);
    expect(more / some).toBeLessThan(3);
  });

  it('finds percentiles from 101 cut points', () => {
    const scores = Array.from({ length: 1000 }, (_, i) => i);
    const cuts = percentileCuts(scores);
    expect(cuts).toHaveLength(101);
    expect(cuts[0]).toBe(0);
    expect(cuts[50]).toBe(500);
    expect(cuts[100]).toBe(999);
    expect(percentileOf(-1, cuts)).toBe(0);
    expect(percentileOf(0, cuts)).toBe(0);
    expect(percentileOf(905, cuts)).toBe(90);
    expect(percentileOf(999, cuts)).toBe(100);
    expect(percentileOf(5, [])).toBeUndefined();
  });

  it('puts tied visitors in the middle of their run, not all in the top decile', () => {
    // 95 visitors with one visit each, 5 with none: the 95 are not "the top 10 %".
    const cuts = percentileCuts([...Array.from({ length: 95 }, () => 3.3), 0, 0, 0, 0, 0]);
    const tied = percentileOf(3.3, cuts)!;
    expect(tied).toBeGreaterThan(40);
    expect(tied).toBeLessThan(60);
    expect(percentileOf(0, cuts)).toBe(2);
    // Everybody equal: everybody in the middle.
    expect(percentileOf(1, percentileCuts(Array.from({ length: 50 }, () => 1)))).toBe(50);
  });
});

describe('engagement cuts from a histogram (what a pass over partitions adds up)', () => {
  const histogramOf = (scores: number[]) => {
    const histogram: ScoreHistogram = new Map();
    for (const score of scores) addScore(histogram, score);
    return histogram;
  };

  it('gives the exact cuts where each hundredth holds one score', () => {
    const scores = [...Array.from({ length: 950 }, () => 4.1588830833596715), ...Array.from({ length: 50 }, (_, i) => 10 + i / 7)];
    expect(histogramCuts(histogramOf(scores))).toEqual(percentileCuts(scores));
    expect(histogramCuts(new Map())).toEqual([]);
  });

  it('stays within a hundredth of the exact cuts', () => {
    let seed = 7;
    const random = () => (seed = (seed * 16_807) % 2_147_483_647) / 2_147_483_647;
    const scores = Array.from({ length: 5_000 }, () => 40 * random() ** 2);
    const exact = percentileCuts(scores);
    histogramCuts(histogramOf(scores)).forEach((cut, p) => expect(Math.abs(cut - exact[p])).toBeLessThan(0.01));
  });
});
