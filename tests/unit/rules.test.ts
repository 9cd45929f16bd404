import { compileRules, hourWindowCounters } from '../../server/src/segments/rules/compile-rules';
import { ProfileFacts } from '../../server/src/segments/rules/profile-facts';
import { ruleIssues, type RuleNode } from '../../server/src/segments/rules/rule-schema';
import { dateSpan, durationMs } from '../../server/src/segments/rules/rule-dates';
import { describeIssue } from '../../server/src/shared/validation';
import type { StoredProfile } from '../../server/src/store/profile-store';

const DAY = 86_400;
const NOW = 1_790_000_000;
const TODAY = Math.floor(NOW / DAY);

const profile: StoredProfile = {
  fields: {
    fs: String(NOW - 10 * DAY),
    ls: String(NOW - 2 * DAY),
    sn: '4',
    pv: '12',
    dw: '600',
    sx: '90',
    su: '600',
    'e:Product Added': '2',
    'e:Order Completed': '1',
    'c:video': '3',
    'ca:video/play': '3',
    'pn:Pricing': '4',
    't:Technology': `3000|${NOW - DAY}`,
    't:Cooking': `1000|${NOW - DAY}`,
    'a1:us': 'newsletter',
    'a1:dv': 'mobile',
    'a1:rh': '',
    'a0:us': 'google',
    loc: 'fr-FR',
    uid: 'hash',
    cl: 'bargain-hunters',
  },
  windows: {
    [`${TODAY}:pn:Pricing`]: 2,
    [`${TODAY - 6}:pn:Pricing`]: 1,
    [`${TODAY - 8}:pn:Pricing`]: 1,
    [`${TODAY - 1}:e:Product Added`]: 2,
    [`${TODAY - 1}:sn`]: 1,
    [`h${Math.floor(NOW / 3600) - 2}:e:Product Added`]: 2,
  },
  recent: ['doc-1', 'doc-2'],
  steps: [],
  traits: { plan: '"pro"', seats: '5', beta: 'true', tags: '["a","b"]' },
  segments: [],
};

const facts = (overrides: Partial<StoredProfile> = {}, percentile?: number) =>
  new ProfileFacts({
    profile: { ...profile, ...overrides },
    now: NOW,
    affinityHalfLifeSec: 14 * DAY,
    sessionGapSec: 30 * 60,
    engagementPercentile: () => percentile,
  });

const holds = (rule: RuleNode, on = facts()) => {
  expect(ruleIssues(rule)).toEqual([]);
  return compileRules(rule)(on);
};

describe('rule language: every fact', () => {
  it.each<[RuleNode, boolean]>([
    [{ fact: 'pageviews', op: 'eq', value: 12 }, true],
    [{ fact: 'sessions', op: 'gte', value: 4 }, true],
    [{ fact: 'dwell.total', op: 'gt', value: 599 }, true],
    [{ fact: 'scroll.max', op: 'eq', value: 90 }, true],
    [{ fact: 'scroll.mean', op: 'eq', value: 50 }, true],
    [{ fact: 'daysSinceFirstSeen', op: 'eq', value: 10 }, true],
    [{ fact: 'daysSinceLastSeen', op: 'lte', value: 2 }, true],
    [{ fact: 'events.Product Added', op: 'eq', value: 2 }, true],
    [{ fact: 'events.Never Happened', op: 'eq', value: 0 }, true],
    [{ fact: 'pages.Pricing', op: 'gte', value: 4 }, true],
    [{ fact: 'category.video', op: 'eq', value: 3 }, true],
    [{ fact: 'categoryAction.video/play', op: 'eq', value: 3 }, true],
    [{ fact: 'topics.Technology', op: 'eq', value: 0.75 }, true],
    [{ fact: 'topics.Cooking', op: 'between', value: [0.2, 0.3] }, true],
    [{ fact: 'topics.Gardening', op: 'eq', value: 0 }, true],
    [{ fact: 'traits.plan', op: 'eq', value: 'pro' }, true],
    [{ fact: 'traits.seats', op: 'gt', value: 4 }, true],
    [{ fact: 'traits.beta', op: 'eq', value: true }, true],
    [{ fact: 'traits.tags', op: 'contains', value: 'b' }, true],
    [{ fact: 'utm.source', op: 'eq', value: 'newsletter' }, true],
    [{ fact: 'firstUtm.source', op: 'eq', value: 'google' }, true],
    [{ fact: 'referrer.host', op: 'notExists' }, true],
    [{ fact: 'device.type', op: 'in', value: ['mobile', 'tablet'] }, true],
    [{ fact: 'locale', op: 'startsWith', value: 'fr' }, true],
    [{ fact: 'identified', op: 'eq', value: true }, true],
    [{ fact: 'recent', op: 'contains', value: 'doc-2' }, true],
    [{ fact: 'cluster', op: 'eq', value: 'bargain-hunters' }, true],
    [{ fact: 'pages.Pricing', op: 'eq', value: 3, window: '7d' }, true],
    [{ fact: 'pages.Pricing', op: 'eq', value: 4, window: '9d' }, true],
    [{ fact: 'events.Product Added', op: 'gte', value: 2, window: '2d' }, true],
    [{ fact: 'events.Product Added', op: 'eq', value: 0, window: '1d' }, true],
    [{ fact: 'sessions', op: 'eq', value: 1, window: '30d' }, true],
    [{ fact: 'events.Product Added', op: 'eq', value: 2, window: '3h' }, true],
    [{ fact: 'events.Product Added', op: 'eq', value: 0, window: '2h' }, true],
  ])('%j -> %s', (rule, expected) => {
    expect(holds(rule)).toBe(expected);
  });

  it('reads the engagement percentile only when a rule asks, and once per evaluation', () => {
    let calls = 0;
    const counted = new ProfileFacts({ profile, now: NOW, affinityHalfLifeSec: 14 * DAY, sessionGapSec: 30 * 60, engagementPercentile: () => (calls++, 93) });
    const rule = compileRules({ all: [{ fact: 'engagement.percentile', op: 'gte', value: 90 }, { fact: 'engagement.percentile', op: 'lt', value: 95 }] });
    expect(rule(counted)).toBe(true);
    expect(calls).toBe(1);
    expect(compileRules({ fact: 'pageviews', op: 'gt', value: 0 })(new ProfileFacts({ profile, now: NOW, affinityHalfLifeSec: 1, sessionGapSec: 30 * 60, engagementPercentile: () => (calls++, 1) }))).toBe(true);
    expect(calls).toBe(1);
  });
});

describe('rule language: operators', () => {
  const cases: [RuleNode, boolean][] = [
    [{ fact: 'pageviews', op: 'neq', value: 12 }, false],
    [{ fact: 'pageviews', op: 'gt', value: 12 }, false],
    [{ fact: 'pageviews', op: 'gte', value: 12 }, true],
    [{ fact: 'pageviews', op: 'lt', value: 12 }, false],
    [{ fact: 'pageviews', op: 'lte', value: 12 }, true],
    [{ fact: 'pageviews', op: 'between', value: [12, 12] }, true],
    [{ fact: 'pageviews', op: 'between', value: [13, 20] }, false],
    [{ fact: 'pageviews', op: 'in', value: [1, 12] }, true],
    [{ fact: 'pageviews', op: 'nin', value: [1, 12] }, false],
    [{ fact: 'utm.source', op: 'contains', value: 'letter' }, true],
    [{ fact: 'utm.source', op: 'startsWith', value: 'letter' }, false],
    [{ fact: 'pageviews', op: 'exists' }, true],
    [{ fact: 'events.Never Happened', op: 'exists' }, false],
    [{ fact: 'events.Never Happened', op: 'notExists' }, true],
    [{ fact: 'traits.plan', op: 'exists' }, true],
  ];
  it.each(cases)('%j -> %s', (rule, expected) => expect(holds(rule)).toBe(expected));
});

describe('rule language: missing facts and type mismatches', () => {
  const bare = facts({ fields: {}, windows: {}, recent: [], traits: {} });
  it.each<[RuleNode, boolean]>([
    [{ fact: 'utm.source', op: 'eq', value: 'google' }, false],
    [{ fact: 'utm.source', op: 'neq', value: 'google' }, true],
    [{ fact: 'utm.source', op: 'in', value: ['google'] }, false],
    [{ fact: 'utm.source', op: 'nin', value: ['google'] }, true],
    [{ fact: 'utm.source', op: 'contains', value: 'g' }, false],
    [{ fact: 'utm.source', op: 'exists' }, false],
    [{ fact: 'utm.source', op: 'notExists' }, true],
    [{ fact: 'daysSinceLastSeen', op: 'lt', value: 100 }, false],
    [{ fact: 'daysSinceLastSeen', op: 'gte', value: 0 }, false],
    [{ fact: 'traits.plan', op: 'eq', value: 'pro' }, false],
    [{ fact: 'engagement.percentile', op: 'gte', value: 0 }, false],
    [{ fact: 'pageviews', op: 'eq', value: 0 }, true],
    [{ fact: 'topics.Technology', op: 'lt', value: 0.1 }, true],
    [{ fact: 'recent', op: 'contains', value: 'doc-1' }, false],
    [{ fact: 'identified', op: 'eq', value: false }, true],
  ])('on an empty profile, %j -> %s', (rule, expected) => expect(holds(rule, bare)).toBe(expected));

  it.each<[RuleNode, boolean]>([
    [{ fact: 'traits.plan', op: 'gt', value: 3 }, false],
    [{ fact: 'traits.seats', op: 'eq', value: '5' }, false],
    [{ fact: 'traits.seats', op: 'startsWith', value: '5' }, false],
    [{ fact: 'traits.plan', op: 'contains', value: 3 }, false],
  ])('comparing across types, %j -> %s', (rule, expected) => expect(holds(rule)).toBe(expected));
});

describe('rule language: groups', () => {
  const yes = { fact: 'pageviews', op: 'gt', value: 0 } as const;
  const no = { fact: 'pageviews', op: 'lt', value: 0 } as const;
  it.each<[RuleNode, boolean]>([
    [{ all: [] }, true],
    [{ any: [] }, false],
    [{ not: { all: [] } }, false],
    [{ all: [yes, yes] }, true],
    [{ all: [yes, no] }, false],
    [{ any: [no, yes] }, true],
    [{ any: [no, no] }, false],
    [{ not: no }, true],
    [{ all: [yes, { any: [no, { not: no }] }] }, true],
  ])('%j -> %s', (rule, expected) => expect(holds(rule)).toBe(expected));
});

describe('rule language: every bad form is refused with its path', () => {
  const errors = (rules: unknown) => ruleIssues(rules).map((issue) => describeIssue({ ...issue, path: ['rules', ...issue.path] }));
  it.each<[unknown, string]>([
    [{ all: [{}, {}, { fact: 'pageviews', op: 'greater', value: 3 }] }, 'rules.all[2].op: unknown operator "greater" (expected one of eq, neq, gt, gte, lt, lte, between, in, nin, notIn, contains, notContains, startsWith, endsWith, matches, exists, notExists, missing, before, after, isDay, isNotDay, inLast, all, some, none)'],
    [{ fact: 'pageveiws', op: 'gt', value: 3 }, 'rules.fact: unknown fact "pageveiws"'],
    [{ fact: 'events.', op: 'gt', value: 3 }, 'rules.fact: unknown fact "events."'],
    [{ fact: 'wishes.pony', op: 'gt', value: 3 }, 'rules.fact: unknown fact "wishes.pony"'],
    [{ fact: 'pageviews', op: 'gt', value: '3' }, 'rules.value: expected a number'],
    [{ fact: 'pageviews', op: 'gt' }, 'rules.value: expected a number'],
    [{ fact: 'pageviews', op: 'eq', value: 'x' }, 'rules.value: expected a number'],
    [{ fact: 'utm.source', op: 'eq', value: 3 }, 'rules.value: expected a string'],
    [{ fact: 'utm.source', op: 'gt', value: 3 }, 'rules.op: operator "gt" does not apply to the text fact utm.source'],
    [{ fact: 'pageviews', op: 'contains', value: 3 }, 'rules.op: operator "contains" does not apply to the number fact pageviews'],
    [{ fact: 'pageviews', op: 'between', value: [5, 1] }, 'rules.value: expected [min, max] with min <= max'],
    [{ fact: 'pageviews', op: 'between', value: [1] }, 'rules.value: expected [min, max], two numbers'],
    [{ fact: 'device.type', op: 'in', value: [] }, 'rules.value: expected a non-empty list'],
    [{ fact: 'device.type', op: 'in', value: ['mobile', 3] }, 'rules.value: expected a list of strings'],
    [{ fact: 'pageviews', op: 'exists', value: 1 }, 'rules.value: operator "exists" takes no value'],
    [{ fact: 'utm.source', op: 'eq', value: 'x', window: '7d' }, 'rules.window: the fact utm.source is not counted per day, so it has no window'],
    [{ fact: 'pageviews', op: 'gt', value: 1, window: '1w' }, 'rules.window: expected a window from "1d" to "90d" (calendar days) or from "1h" to "48h" (rolling hours)'],
    [{ fact: 'pageviews', op: 'gt', value: 1, window: '91d' }, 'rules.window: expected a window from "1d" to "90d" (calendar days) or from "1h" to "48h" (rolling hours)'],
    [{ fact: 'pageviews', op: 'gt', value: 1, window: '49h' }, 'rules.window: expected a window from "1d" to "90d" (calendar days) or from "1h" to "48h" (rolling hours)'],
    [{ fact: 'pageviews', op: 'gt', value: 1, colour: 'red' }, 'rules: unknown field "colour"'],
    [{ fact: 3, op: 'gt', value: 1 }, 'rules.fact: expected a fact name'],
    [{ all: { fact: 'pageviews', op: 'gt', value: 1 } }, 'rules.all: expected a list of conditions or groups'],
    [{ all: [], any: [] }, 'rules: a group has exactly one key ("all"); found "all", "any"'],
    [{ not: [] }, 'rules.not: expected a condition { fact, op, value }, a sequence { sequence, within } or a group { all | any | not }'],
    [{ any: ['pageviews > 3'] }, 'rules.any[0]: expected a condition { fact, op, value }, a sequence { sequence, within } or a group { all | any | not }'],
    [null, 'rules: expected a condition { fact, op, value }, a sequence { sequence, within } or a group { all | any | not }'],
    [{ pageviews: 3 }, 'rules.fact: expected a fact name'],
    // The operators beyond comparisons: each refuses what it cannot use, at the value or the operator.
    [{ fact: 'referrer.host', op: 'matches', value: '(a' }, 'rules.value: not a regular expression RE2 accepts: error parsing regexp: missing closing ): `(a`'],
    [{ fact: 'referrer.host', op: 'matches', value: '(\\w+)\\1' }, 'rules.value: not a regular expression RE2 accepts: error parsing regexp: invalid escape sequence: `\\1`'],
    [{ fact: 'referrer.host', op: 'matches', value: 'a'.repeat(201) }, 'rules.value: a regular expression longer than 200 characters'],
    [{ fact: 'referrer.host', op: 'matches', value: '' }, 'rules.value: expected a regular expression'],
    [{ fact: 'pageviews', op: 'matches', value: '1' }, 'rules.op: operator "matches" does not apply to the number fact pageviews'],
    [{ fact: 'utm.source', op: 'endsWith', value: 1 }, 'rules.value: expected a string'],
    [{ fact: 'firstSeen', op: 'before', value: '2026-01-31T10:00:00' }, 'rules.value: expected an ISO 8601 date ("2026-01-31") or date and time with its offset ("2026-01-31T09:00:00Z")'],
    [{ fact: 'firstSeen', op: 'after', value: '2026-02-30' }, 'rules.value: expected an ISO 8601 date ("2026-01-31") or date and time with its offset ("2026-01-31T09:00:00Z")'],
    [{ fact: 'firstSeen', op: 'isDay', value: '2026-01-31T00:00:00Z' }, 'rules.value: expected a day, "2026-01-31"'],
    [{ fact: 'lastSeen', op: 'inLast', value: '0d' }, 'rules.value: expected a duration from "1h" to "3650d" ("30d", "12h")'],
    [{ fact: 'lastSeen', op: 'inLast', value: '3651d' }, 'rules.value: expected a duration from "1h" to "3650d" ("30d", "12h")'],
    [{ fact: 'lastSeen', op: 'between', value: ['2026-02-01', '2026-01-01'] }, 'rules.value: expected [from, to] with from no later than to'],
    [{ fact: 'lastSeen', op: 'between', value: [1, 2] }, 'rules.value: expected [from, to], two ISO 8601 dates'],
    [{ fact: 'lastSeen', op: 'gt', value: 1 }, 'rules.op: operator "gt" does not apply to the date fact lastSeen'],
    [{ fact: 'pageviews', op: 'inLast', value: '7d' }, 'rules.op: operator "inLast" does not apply to the number fact pageviews'],
    [{ fact: 'traits.renewal', op: 'between', value: ['2026-01-01', 5] }, 'rules.value: expected [min, max], two numbers, or [from, to], two ISO 8601 dates'],
    [{ fact: 'recent', op: 'all', value: [] }, 'rules.value: expected a non-empty list'],
    [{ fact: 'recent', op: 'some', value: [{}] }, 'rules.value: expected a list of strings, numbers or booleans'],
    [{ fact: 'recent', op: 'eq', value: 'doc-1' }, 'rules.op: operator "eq" does not apply to the list fact recent'],
    [{ fact: 'utm.source', op: 'all', value: ['a'] }, 'rules.op: operator "all" does not apply to the text fact utm.source'],
    [{ fact: 'traits.plan', op: 'missing', value: true }, 'rules.value: operator "missing" takes no value'],
    // Sequences: the step, the field of the step, or the window.
    [{ all: [{ fact: 'pageviews', op: 'gt', value: 1 }, { sequence: [{ page: 'Pricing' }, { page: 'Docs' }, { page: ' ' }], within: 'session' }] }, 'rules.all[1].sequence[2].page: expected a non-empty text'],
    [{ any: [{ sequence: [{ page: 'A' }, { page: 'B' }], within: '1w' }] }, 'rules.any[0].within: expected "session" or a duration from "1m" to "90d", e.g. "30m", "2h", "7d"'],
    [{ sequence: [{ page: 'A' }, { page: 'B' }], within: '30s' }, 'rules.within: expected "session" or a duration from "1m" to "90d", e.g. "30m", "2h", "7d"'],
    [{ sequence: [{ page: 'A' }, { page: 'B' }], within: '91d' }, 'rules.within: expected "session" or a duration from "1m" to "90d", e.g. "30m", "2h", "7d"'],
    [{ sequence: [{ page: 'A' }, { page: 'B' }], within: 3600 }, 'rules.within: expected "session" or a duration from "1m" to "90d", e.g. "30m", "2h", "7d"'],
    [{ sequence: [{ page: 'A' }, { page: 'B' }] }, 'rules.within: expected "session" or a duration from "1m" to "90d", e.g. "30m", "2h", "7d"'],
    [{ sequence: [{ page: 'A' }], within: 'session' }, 'rules.sequence: expected at least 2 steps'],
    [{ sequence: Array.from({ length: 11 }, () => ({ page: 'A' })), within: 'session' }, 'rules.sequence: more than 10 steps'],
    [{ sequence: 'Pricing then Docs', within: 'session' }, 'rules.sequence: expected a list of steps'],
    [{ sequence: [{ page: 'A' }, 'B'], within: 'session' }, 'rules.sequence[1]: expected a step { page | event | category | contentType | topic }'],
    [{ sequence: [{ page: 'A' }, {}], within: 'session' }, 'rules.sequence[1]: expected at least one of page, event, category, contentType, topic'],
    [{ sequence: [{ page: 'A' }, { page: 'A', event: 'B' }], within: 'session' }, 'rules.sequence[1]: a step is a page view or an event, not both'],
    [{ sequence: [{ page: 'A' }, { url: '/a' }], within: 'session' }, 'rules.sequence[1]: unknown field "url"'],
    [{ sequence: [{ page: 'A' }, { topic: 3 }], within: 'session' }, 'rules.sequence[1].topic: expected a text'],
    [{ not: { sequence: [{ page: 'A' }, { contentType: 'x'.repeat(101) }], within: 'session' } }, 'rules.not.sequence[1].contentType: longer than 100 characters'],
    [{ sequence: [{ page: 'A' }, { page: 'B' }], within: 'session', fact: 'pageviews' }, 'rules: unknown field "fact"'],
  ])('%j', (rules, message) => {
    expect(errors(rules)).toContain(message);
  });

  it('refuses groups nested deeper than 10 levels and more than 200 conditions', () => {
    let deep: RuleNode = { fact: 'pageviews', op: 'gt', value: 0 };
    for (let i = 0; i < 11; i++) deep = { not: deep };
    expect(errors(deep)).toEqual([expect.stringContaining('groups nested deeper than 10 levels')]);
    const many = { any: Array.from({ length: 201 }, () => ({ fact: 'pageviews', op: 'gt', value: 0 })) };
    expect(errors(many)).toEqual(['rules.any[200]: more than 200 conditions']);
    // A sequence is one condition, whatever its steps.
    const sequence = { sequence: [{ page: 'A' }, { page: 'B' }], within: '1h' };
    expect(errors({ any: [...many.any.slice(2), sequence] })).toEqual([]);
    expect(errors({ any: [...many.any.slice(1), sequence] })).toEqual(['rules.any[200]: more than 200 conditions']);
    expect(errors({ all: Array.from({ length: 200 }, () => ({ any: [sequence] })) })).toEqual(['rules.all[199].any[0]: more than 400 groups and conditions']);
  });

  it('reports every problem of a tree, not just the first', () => {
    expect(errors({ all: [{ fact: 'x', op: 'eq', value: 1 }, { fact: 'pageviews', op: 'nope' }] })).toHaveLength(2);
  });
});

describe('hourWindowCounters', () => {
  it('lists the counters asked about by the hour, through all, any and not', () => {
    const rules: RuleNode = {
      all: [
        { fact: 'pageviews', op: 'gt', value: 1, window: '6h' },
        { any: [{ fact: 'events.Signup', op: 'exists', window: '7d' }, { not: { fact: 'sessions', op: 'gt', value: 2, window: '1h' } }] },
        { fact: 'topics.Tech', op: 'gt', value: 1 },
        { sequence: [{ page: 'Pricing' }, { event: 'Signup' }], within: '6h' },
      ],
    };
    expect(hourWindowCounters(rules)).toEqual(['pv', 'sn']);
  });
});

describe('rule language: dates and regular expressions', () => {
  it('reads a date as its whole UTC day, a date and time as its instant, and refuses a time without an offset', () => {
    expect(dateSpan('2026-01-31')).toEqual({ start: Date.UTC(2026, 0, 31), end: Date.UTC(2026, 1, 1) - 1 });
    expect(dateSpan('2026-01-31T09:30:00+02:00')).toEqual({ start: Date.UTC(2026, 0, 31, 7, 30), end: Date.UTC(2026, 0, 31, 7, 30) });
    expect(dateSpan('2024-02-29')).not.toBeNull();
    for (const bad of ['2026-02-29', '2026-13-01', '2026-01-31T09:30:00', '31/01/2026', 'yesterday', 1_790_000_000, '']) expect(dateSpan(bad)).toBeNull();
    expect(durationMs('12h')).toBe(12 * 3_600_000);
    for (const bad of ['0h', '7w', '3651d', '1.5d', 7]) expect(durationMs(bad)).toBeNull();
  });

  it('matches in linear time: a pattern that hangs a backtracking engine answers at once', () => {
    // `^(a+)+$` on 30 a's and a b takes a backtracking engine about 2^30 steps (seconds in V8);
    // RE2 takes one pass. That the engine is RE2 is pinned by the refusal of a backreference above
    // (JavaScript's RegExp takes `\1`), not by a timing assertion.
    const hostile = facts({ traits: { name: JSON.stringify(`${'a'.repeat(30)}b`) } });
    expect(holds({ fact: 'traits.name', op: 'matches', value: '^(a+)+$' }, hostile)).toBe(false);
    expect(holds({ fact: 'traits.name', op: 'matches', value: '^a+b$' }, hostile)).toBe(true);
  });
});
