import { FIELDS } from '../../profiles/profile-fields';
import { CORE_FIELDS } from '../../store/profile-fields';
import { matchesSequence, type SequenceWindow } from '../../journeys/sequence-match';
import { compileStepSpec, stepSpecSchema } from '../../journeys/step-spec';
import { ATTRIBUTION_FIELDS, resolveFact, type ResolvedFact } from './facts';
import { ProfileFacts } from './profile-facts';
import { operatorTest, type ActualKind } from './operators';
import { sequenceSpanSec, type Condition, type RuleNode, type SequenceCondition } from './rule-schema';

/**
 * Compiles a rule tree, once, into a predicate over `ProfileFacts`. Pure: no Strapi, no Redis.
 *
 * Missing facts: a counter never incremented is 0 (so `events.Signup eq 0` holds for a visitor who
 * never signed up, and `exists` means "at least once"); any other missing fact is undefined, for
 * which every comparison is false except `neq`, `nin` and `notExists`. A value of the wrong type
 * (a text trait compared with `gt 3`) compares false. An empty `all` holds, an empty `any` does not.
 */

export type Predicate = (facts: ProfileFacts) => boolean;

type Reader = (facts: ProfileFacts) => unknown;

const WINDOW_PATTERN = /^(\d+)([dh])$/;

const readerOf = (spec: ResolvedFact, window: string | undefined): { read: Reader; kind: ActualKind } => {
  if (window && spec.windowCounter) {
    const [, size, unit] = WINDOW_PATTERN.exec(window)!;
    const counter = spec.windowCounter;
    return { read: (facts) => facts.windowed(counter, Number(size), unit as 'd' | 'h'), kind: 'count' };
  }
  if (spec.family) {
    const key = spec.key!;
    if (spec.family === 'topics') return { read: (facts) => facts.topic(key), kind: 'count' };
    if (spec.family === 'traits') return { read: (facts) => facts.trait(key), kind: 'value' };
    const field = spec.field + key;
    return { read: (facts) => facts.count(field), kind: 'count' };
  }
  if (Object.hasOwn(ATTRIBUTION_FIELDS, spec.name)) {
    const attribution = ATTRIBUTION_FIELDS[spec.name];
    return { read: (facts) => facts.text(attribution), kind: 'value' };
  }
  switch (spec.name) {
    case 'pageviews':
      return { read: (facts) => facts.count(FIELDS.pageviews), kind: 'count' };
    case 'sessions':
      return { read: (facts) => facts.count(CORE_FIELDS.sessions), kind: 'count' };
    case 'dwell.total':
      return { read: (facts) => facts.count(FIELDS.dwellSeconds), kind: 'count' };
    case 'scroll.max':
      return { read: (facts) => facts.count(FIELDS.scrollMax), kind: 'count' };
    case 'scroll.mean':
      return { read: (facts) => facts.scrollMean(), kind: 'count' };
    case 'daysSinceFirstSeen':
      return { read: (facts) => facts.daysSince(CORE_FIELDS.firstSeen), kind: 'value' };
    case 'daysSinceLastSeen':
      return { read: (facts) => facts.daysSince(CORE_FIELDS.lastSeen), kind: 'value' };
    case 'firstSeen':
      return { read: (facts) => facts.instant(CORE_FIELDS.firstSeen), kind: 'date' };
    case 'lastSeen':
      return { read: (facts) => facts.instant(CORE_FIELDS.lastSeen), kind: 'date' };
    case 'locale':
      return { read: (facts) => facts.text(FIELDS.locale), kind: 'value' };
    case 'identified':
      return { read: (facts) => facts.identified(), kind: 'value' };
    case 'recent':
      return { read: (facts) => facts.recent(), kind: 'value' };
    case 'cluster':
      return { read: (facts) => facts.text(CORE_FIELDS.cluster), kind: 'value' };
    case 'engagement.percentile':
      return { read: (facts) => facts.engagementPercentile(), kind: 'value' };
    default:
      throw new Error(`no reader for fact ${spec.name}`);
  }
};

const compileCondition = (condition: Condition): Predicate => {
  const spec = resolveFact(condition.fact);
  if (!spec) throw new Error(`unknown fact ${condition.fact}`);
  const { read, kind } = readerOf(spec, condition.window);
  const test = operatorTest(condition.op, condition.value, kind);
  return (facts) => test(read(facts), facts.input.now * 1000);
};

/**
 * A sequence: its steps' matchers built once; at evaluation, the profile's recorded steps (decoded
 * once per evaluation, however many sequences ask) searched in order. "session" takes the session
 * gap the profile's sessions were counted with.
 */
const compileSequence = (condition: SequenceCondition): Predicate => {
  // Through the schema, so that what is matched is what was checked (names trimmed).
  const matchers = condition.sequence.map((spec) => compileStepSpec(stepSpecSchema.parse(spec)));
  const span = sequenceSpanSec(condition.within);
  if (span === null) throw new Error(`not a sequence window: ${condition.within}`);
  const window: SequenceWindow | null = span === 'session' ? null : { maxSpanSec: span };
  return (facts) => matchesSequence(facts.steps(), matchers, window ?? { sessionGapSec: facts.input.sessionGapSec });
};

/**
 * The counters a rule tree asks about over hours (`window: "6h"`): the store keeps hourly buckets
 * for these only.
 */
export const hourWindowCounters = (node: RuleNode): string[] => {
  if ('all' in node) return node.all.flatMap(hourWindowCounters);
  if ('any' in node) return node.any.flatMap(hourWindowCounters);
  if ('not' in node) return hourWindowCounters(node.not);
  if ('sequence' in node) return [];
  const counter = resolveFact(node.fact)?.windowCounter;
  return counter && node.window?.endsWith('h') ? [counter] : [];
};

/** Compiles a rule tree that `ruleIssues` accepted. */
export const compileRules = (node: RuleNode): Predicate => {
  if ('all' in node) {
    const parts = node.all.map(compileRules);
    return (facts) => parts.every((part) => part(facts));
  }
  if ('any' in node) {
    const parts = node.any.map(compileRules);
    return (facts) => parts.some((part) => part(facts));
  }
  if ('not' in node) {
    const inner = compileRules(node.not);
    return (facts) => !inner(facts);
  }
  if ('sequence' in node) return compileSequence(node);
  return compileCondition(node);
};
