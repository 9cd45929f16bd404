import { compileRules } from '../../server/src/segments/rules/compile-rules';
import { ProfileFacts } from '../../server/src/segments/rules/profile-facts';
import type { RuleNode } from '../../server/src/segments/rules/rule-schema';
import { longestLookbackSec, ruleLookbackSec } from '../../server/src/segments/rules/time-dependence';
import type { StoredProfile } from '../../server/src/store/profile-store';

const HOUR = 3_600;
const DAY = 86_400;
const LAST_SEEN = 1_790_000_123;
const SEEN_DAY = Math.floor(LAST_SEEN / DAY);
const SEEN_HOUR = Math.floor(LAST_SEEN / HOUR);

/** A visitor whose latest event was at LAST_SEEN, with buckets up to that day and hour. */
const profile: StoredProfile = {
  fields: { fs: String(LAST_SEEN - 20 * DAY), ls: String(LAST_SEEN), sn: '3', pv: '9', 'pn:Pricing': '4', 't:Tech': `100|${LAST_SEEN}` },
  windows: { [`${SEEN_DAY}:pn:Pricing`]: 2, [`${SEEN_DAY - 5}:pn:Pricing`]: 2, [`${SEEN_DAY}:pv`]: 9, [`h${SEEN_HOUR}:pv`]: 3 },
  recent: [],
  steps: [],
  traits: {},
  segments: [],
};

const verdictAt = (rule: RuleNode, now: number) => compileRules(rule)(new ProfileFacts({ profile, now, affinityHalfLifeSec: 7 * DAY, sessionGapSec: 1800 }));

describe('which rules time can change, and for how long after the latest event', () => {
  const cases: [string, RuleNode, number | null][] = [
    ['a counter', { fact: 'pageviews', op: 'gt', value: 3 }, null],
    ['a topic share (every topic decays alike)', { fact: 'topics.Tech', op: 'gt', value: 0.5 }, null],
    ['a trait', { fact: 'traits.plan', op: 'eq', value: 'pro' }, null],
    ['a day window', { fact: 'pages.Pricing', op: 'gte', value: 2, window: '7d' }, 7 * DAY],
    ['an hour window', { fact: 'pageviews', op: 'gte', value: 1, window: '6h' }, 6 * HOUR],
    ['days since the latest event', { fact: 'daysSinceLastSeen', op: 'lt', value: 30 }, 31 * DAY],
    ['days since the first, between', { fact: 'daysSinceFirstSeen', op: 'between', value: [3, 40] }, 41 * DAY],
    ['days since, exists', { fact: 'daysSinceLastSeen', op: 'exists' }, null],
    ['the latest visit in the last 10 days', { fact: 'lastSeen', op: 'inLast', value: '10d' }, 10 * DAY + 1],
    ['the first visit in the last 12 hours', { fact: 'firstSeen', op: 'inLast', value: '12h' }, 12 * HOUR + 1],
    ['a fixed date', { fact: 'lastSeen', op: 'after', value: '2026-01-31' }, null],
    ['a trait date in the last 30 days (it may lie ahead)', { fact: 'traits.renewal', op: 'inLast', value: '30d' }, Infinity],
    ['the engagement percentile', { fact: 'engagement.percentile', op: 'gte', value: 90 }, Infinity],
    ['a sequence (its window spans its own steps, never up to now)', { sequence: [{ page: 'Pricing' }, { event: 'Signup Started' }], within: '7d' }, null],
    ['a sequence within a session', { not: { sequence: [{ page: 'Pricing' }, { page: 'Docs' }], within: 'session' } }, null],
    [
      'the longest in a tree',
      { all: [{ fact: 'pageviews', op: 'gt', value: 1 }, { not: { any: [{ fact: 'sessions', op: 'gt', value: 1, window: '14d' }, { fact: 'daysSinceLastSeen', op: 'gt', value: 3 }] } }] },
      14 * DAY,
    ],
  ];

  it.each(cases)('%s', (_name, rule, lookback) => {
    expect(ruleLookbackSec(rule)).toBe(lookback);
  });

  it.each(cases.filter(([, , lookback]) => lookback !== null && Number.isFinite(lookback)))('%s: the verdict no longer moves after the lookback', (_name, rule, lookback) => {
    const settled = verdictAt(rule, LAST_SEEN + lookback!);
    for (let step = 0; step < 200; step += 1) expect(verdictAt(rule, LAST_SEEN + lookback! + step * 7_919)).toBe(settled);
  });

  it('takes the longest lookback of several segments', () => {
    expect(longestLookbackSec([])).toBeNull();
    expect(longestLookbackSec([null, null])).toBeNull();
    expect(longestLookbackSec([null, DAY, 7 * DAY])).toBe(7 * DAY);
    expect(longestLookbackSec([DAY, Infinity])).toBe(Infinity);
  });
});
