/**
 * Golden values: fixed inputs and the outputs they gave when these cases were written. A change of
 * hashing library, of a dependency's version or of the rule compiler that would reshuffle visitors
 * between arms, or move them in or out of segments, fails here rather than silently in production.
 * (As GrowthBook's SDK keeps its cases in a JSON file.) To change a golden value is to change every
 * running experiment's assignment: it needs a reason in the commit.
 */
import { assignArm, unitHash } from '../../server/src/experiments/bucketing';
import { compileRules } from '../../server/src/segments/rules/compile-rules';
import { ProfileFacts } from '../../server/src/segments/rules/profile-facts';
import type { RuleNode } from '../../server/src/segments/rules/rule-schema';
import type { StoredProfile } from '../../server/src/store/profile-store';
import bucketing from './golden/bucketing.json';
import rules from './golden/rules.json';

describe('golden bucketing', () => {
  it('hashes as MurmurHash3 x86_32 with seed 0 (published: "a" -> 0x3c2569b2)', () => {
    expect(Math.round(unitHash('a') * 2 ** 32)).toBe(0x3c2569b2);
    for (const { value, hash } of bucketing.unitHash) expect([value, unitHash(value)]).toEqual([value, hash]);
  });

  it.each(bucketing.arms.map((entry) => [entry.key, entry.visitorId, entry.arm, entry] as const))('%s: %s -> %s', (key, visitorId, arm, entry) => {
    expect(assignArm(key, visitorId, entry.arms, entry.holdoutPercent)).toBe(arm);
  });
});

describe('golden rule evaluation', () => {
  const profiles = rules.profiles as unknown as Record<string, StoredProfile>;
  const percentiles = rules.percentiles as Record<string, number | undefined>;

  it.each(rules.cases.map((entry) => [entry.profile, JSON.stringify(entry.rule), entry.matches, entry.rule] as const))('%s, %s -> %s', (profile, _label, matches, rule) => {
    const facts = new ProfileFacts({ profile: profiles[profile], now: rules.now, affinityHalfLifeSec: rules.affinityHalfLifeSec, sessionGapSec: rules.sessionGapSec, engagementPercentile: () => percentiles[profile] });
    expect(compileRules(rule as RuleNode)(facts)).toBe(matches);
  });
});
