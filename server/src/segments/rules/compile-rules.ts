import { FIELDS } from '../../profiles/profile-fields';
import { CORE_FIELDS } from '../../store/profile-fields';
import { ATTRIBUTION_FIELDS, resolveFact, type ResolvedFact } from './facts';
import { ProfileFacts } from './profile-facts';
import type { Condition, Primitive, RuleNode } from './rule-schema';

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

const readerOf = (spec: ResolvedFact, window: string | undefined): { read: Reader; counter: boolean } => {
  if (window && spec.windowCounter) {
    const [, size, unit] = WINDOW_PATTERN.exec(window)!;
    const counter = spec.windowCounter;
    return { read: (facts) => facts.windowed(counter, Number(size), unit as 'd' | 'h'), counter: true };
  }
  if (spec.family) {
    const key = spec.key!;
    if (spec.family === 'topics') return { read: (facts) => facts.topic(key), counter: true };
    if (spec.family === 'traits') return { read: (facts) => facts.trait(key), counter: false };
    const field = spec.field + key;
    return { read: (facts) => facts.count(field), counter: true };
  }
  if (Object.hasOwn(ATTRIBUTION_FIELDS, spec.name)) {
    const attribution = ATTRIBUTION_FIELDS[spec.name];
    return { read: (facts) => facts.text(attribution), counter: false };
  }
  switch (spec.name) {
    case 'pageviews':
      return { read: (facts) => facts.count(FIELDS.pageviews), counter: true };
    case 'sessions':
      return { read: (facts) => facts.count(CORE_FIELDS.sessions), counter: true };
    case 'dwell.total':
      return { read: (facts) => facts.count(FIELDS.dwellSeconds), counter: true };
    case 'scroll.max':
      return { read: (facts) => facts.count(FIELDS.scrollMax), counter: true };
    case 'scroll.mean':
      return { read: (facts) => facts.scrollMean(), counter: true };
    case 'daysSinceFirstSeen':
      return { read: (facts) => facts.daysSince(CORE_FIELDS.firstSeen), counter: false };
    case 'daysSinceLastSeen':
      return { read: (facts) => facts.daysSince(CORE_FIELDS.lastSeen), counter: false };
    case 'locale':
      return { read: (facts) => facts.text(FIELDS.locale), counter: false };
    case 'identified':
      return { read: (facts) => facts.identified(), counter: false };
    case 'recent':
      return { read: (facts) => facts.recent(), counter: false };
    case 'cluster':
      return { read: (facts) => facts.text(CORE_FIELDS.cluster), counter: false };
    case 'engagement.percentile':
      return { read: (facts) => facts.engagementPercentile(), counter: false };
    default:
      throw new Error(`no reader for fact ${spec.name}`);
  }
};

const isNumber = (value: unknown): value is number => typeof value === 'number' && Number.isFinite(value);

/** The test an operator makes of the actual value (`counter`: the fact is a count, 0 when absent). */
const testOf = (condition: Condition, counter: boolean): ((actual: unknown) => boolean) => {
  const { op, value } = condition;
  const list = Array.isArray(value) ? (value as Primitive[]) : [];
  switch (op) {
    case 'exists':
      return counter ? (actual) => isNumber(actual) && actual > 0 : (actual) => actual !== undefined && actual !== null && actual !== '';
    case 'notExists':
      return counter ? (actual) => !(isNumber(actual) && actual > 0) : (actual) => actual === undefined || actual === null || actual === '';
    case 'eq':
      return (actual) => actual === value;
    case 'neq':
      return (actual) => actual !== value;
    case 'gt':
      return (actual) => isNumber(actual) && actual > (value as number);
    case 'gte':
      return (actual) => isNumber(actual) && actual >= (value as number);
    case 'lt':
      return (actual) => isNumber(actual) && actual < (value as number);
    case 'lte':
      return (actual) => isNumber(actual) && actual <= (value as number);
    case 'between': {
      const [min, max] = list as number[];
      return (actual) => isNumber(actual) && actual >= min && actual <= max;
    }
    case 'in':
      return (actual) => list.includes(actual as Primitive);
    case 'nin':
      return (actual) => !list.includes(actual as Primitive);
    case 'contains':
      return (actual) =>
        typeof actual === 'string' ? typeof value === 'string' && actual.includes(value) : Array.isArray(actual) && actual.includes(value);
    case 'startsWith':
      return (actual) => typeof actual === 'string' && actual.startsWith(value as string);
    default:
      throw new Error(`no test for operator ${String(op)}`);
  }
};

const compileCondition = (condition: Condition): Predicate => {
  const spec = resolveFact(condition.fact);
  if (!spec) throw new Error(`unknown fact ${condition.fact}`);
  const { read, counter } = readerOf(spec, condition.window);
  const test = testOf(condition, counter);
  return (facts) => test(read(facts));
};

/**
 * The counters a rule tree asks about over hours (`window: "6h"`): the store keeps hourly buckets
 * for these only.
 */
export const hourWindowCounters = (node: RuleNode): string[] => {
  if ('all' in node) return node.all.flatMap(hourWindowCounters);
  if ('any' in node) return node.any.flatMap(hourWindowCounters);
  if ('not' in node) return hourWindowCounters(node.not);
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
  return compileCondition(node);
};
