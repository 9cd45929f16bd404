import { compilePattern, patternProblem } from './linear-regex';
import { dateSpan, durationMs, instantOf } from './rule-dates';

/**
 * The rule language's operators: which fact types each applies to, what value each takes, and the
 * test each makes of a fact's actual value. Pure.
 *
 * Every negative operator holds exactly when its positive does not (`neq`/`eq`, `nin`/`in`,
 * `notContains`/`contains`, `isNotDay`/`isDay`, `none`/`some`, `notExists`/`exists`), so a missing
 * fact or a value of the wrong type fails the positive and passes the negative. `notIn` and
 * `missing` are Apache Unomi's names for `nin` and `notExists`.
 */

export const OPERATORS = [
  'eq',
  'neq',
  'gt',
  'gte',
  'lt',
  'lte',
  'between',
  'in',
  'nin',
  'notIn',
  'contains',
  'notContains',
  'startsWith',
  'endsWith',
  'matches',
  'exists',
  'notExists',
  'missing',
  'before',
  'after',
  'isDay',
  'isNotDay',
  'inLast',
  'all',
  'some',
  'none',
] as const;
export type Operator = (typeof OPERATORS)[number];

/** `date`: an instant (first/last seen, an ISO 8601 trait); `list`: several values (recent items); `any`: a trait, whatever it holds. */
export type FactType = 'number' | 'string' | 'date' | 'list' | 'any';

export type Primitive = string | number | boolean;

/** Apache Unomi's names, taken as they are and offered under ours. */
export const OPERATOR_ALIASES: Partial<Record<Operator, Operator>> = { notIn: 'nin', missing: 'notExists' };

const PRESENCE: Operator[] = ['exists', 'notExists'];
const LISTED: Operator[] = ['in', 'nin'];
const TEXT: Operator[] = ['contains', 'notContains', 'startsWith', 'endsWith', 'matches'];
const DATES: Operator[] = ['before', 'after', 'between', 'isDay', 'isNotDay', 'inLast'];
const LISTS: Operator[] = ['contains', 'notContains', 'all', 'some', 'none'];

/** The operators a rule builder offers for a fact of each type (and the only ones a rule may use). */
export const OPERATORS_BY_TYPE: Record<FactType, readonly Operator[]> = {
  number: ['eq', 'neq', 'gt', 'gte', 'lt', 'lte', 'between', ...LISTED, ...PRESENCE],
  string: ['eq', 'neq', ...LISTED, ...TEXT, ...PRESENCE],
  date: [...DATES, ...PRESENCE],
  list: [...LISTS, ...PRESENCE],
  any: OPERATORS.filter((op) => !OPERATOR_ALIASES[op]),
};

const TYPE_NAMES: Record<FactType, string> = { number: 'number', string: 'text', date: 'date', list: 'list', any: 'any' };

/** At most this many values in a list (`in`, `all`, ...). */
export const MAX_LIST_VALUES = 100;

const isNumber = (value: unknown): value is number => typeof value === 'number' && Number.isFinite(value);
const isPrimitive = (value: unknown): value is Primitive => typeof value === 'string' || typeof value === 'boolean' || isNumber(value);
const DAY_ONLY = /^\d{4}-\d{2}-\d{2}$/;

const listProblem = (value: unknown, itemOk: (item: unknown) => boolean, itemsName: string): string | null => {
  if (!Array.isArray(value) || value.length === 0) return 'expected a non-empty list';
  if (value.length > MAX_LIST_VALUES) return `more than ${MAX_LIST_VALUES} values`;
  return value.every(itemOk) ? null : `expected a list of ${itemsName}`;
};

const betweenProblem = (type: FactType, value: unknown): string | null => {
  if (!Array.isArray(value) || value.length !== 2) return type === 'date' ? 'expected [from, to], two ISO 8601 dates' : 'expected [min, max], two numbers';
  if (type !== 'date' && value.every(isNumber)) return value[0] <= value[1] ? null : 'expected [min, max] with min <= max';
  if (type !== 'number') {
    const [from, to] = value.map(dateSpan);
    if (from && to) return from.start <= to.end ? null : 'expected [from, to] with from no later than to';
  }
  if (type === 'date') return 'expected [from, to], two ISO 8601 dates';
  return type === 'number' ? 'expected [min, max], two numbers' : 'expected [min, max], two numbers, or [from, to], two ISO 8601 dates';
};

/**
 * Why `value` does not fit `op` on a fact of `type`, or null. `where` says which part is wrong, so
 * the error's path points at the operator or at the value.
 */
export const operatorProblem = (op: Operator, type: FactType, value: unknown, fact: string): { where: 'op' | 'value'; message: string } | null => {
  if (!OPERATORS_BY_TYPE[type].includes(OPERATOR_ALIASES[op] ?? op)) return { where: 'op', message: `operator "${op}" does not apply to the ${TYPE_NAMES[type]} fact ${fact}` };
  const problem = valueProblem(op, type, value);
  return problem ? { where: 'value', message: problem } : null;
};

const valueProblem = (op: Operator, type: FactType, value: unknown): string | null => {
  const scalarOk = (item: unknown) => (type === 'number' ? isNumber(item) : type === 'string' ? typeof item === 'string' : isPrimitive(item));
  const scalarName = type === 'number' ? 'a number' : type === 'string' ? 'a string' : 'a string, number or boolean';
  switch (op) {
    case 'exists':
    case 'notExists':
    case 'missing':
      return value === undefined ? null : `operator "${op}" takes no value`;
    case 'gt':
    case 'gte':
    case 'lt':
    case 'lte':
      return isNumber(value) ? null : 'expected a number';
    case 'between':
      return betweenProblem(type, value);
    case 'in':
    case 'nin':
    case 'notIn':
      return listProblem(value, scalarOk, `${scalarName.replace(/^an? /, '')}s`);
    case 'all':
    case 'some':
    case 'none':
      return listProblem(value, isPrimitive, 'strings, numbers or booleans');
    case 'contains':
    case 'notContains':
      return (type === 'string' ? typeof value === 'string' : isPrimitive(value)) ? null : type === 'string' ? 'expected a string' : 'expected a string, number or boolean';
    case 'startsWith':
    case 'endsWith':
      return typeof value === 'string' ? null : 'expected a string';
    case 'matches':
      return patternProblem(value);
    case 'before':
    case 'after':
      return dateSpan(value) ? null : 'expected an ISO 8601 date ("2026-01-31") or date and time with its offset ("2026-01-31T09:00:00Z")';
    case 'isDay':
    case 'isNotDay':
      return typeof value === 'string' && DAY_ONLY.test(value) && dateSpan(value) ? null : 'expected a day, "2026-01-31"';
    case 'inLast':
      return durationMs(value) !== null ? null : 'expected a duration from "1h" to "3650d" ("30d", "12h")';
    default:
      return scalarOk(value) ? null : `expected ${scalarName}`;
  }
};

/**
 * How a fact's actual value reads: `count` is 0 when absent (`exists` means at least once);
 * `date` is an instant in ms (or undefined); `value` is anything (a date when it is ISO 8601 text).
 */
export type ActualKind = 'count' | 'date' | 'value';

/** A test of an actual value; `nowMs` is the evaluation's clock (for `inLast`). */
export type OperatorTest = (actual: unknown, nowMs: number) => boolean;

const instant = (kind: ActualKind) => (actual: unknown): number | null => (kind === 'date' ? (isNumber(actual) ? actual : null) : instantOf(actual));

const not =
  (test: OperatorTest): OperatorTest =>
  (actual, nowMs) =>
    !test(actual, nowMs);

/** The test `op` makes with `value` (one that `operatorProblem` accepted). */
export const operatorTest = (op: Operator, value: unknown, kind: ActualKind): OperatorTest => {
  const list = Array.isArray(value) ? (value as Primitive[]) : [];
  const at = instant(kind);
  switch (op) {
    case 'exists':
      return kind === 'count' ? (actual) => isNumber(actual) && actual > 0 : (actual) => actual !== undefined && actual !== null && actual !== '';
    case 'notExists':
    case 'missing':
      return not(operatorTest('exists', value, kind));
    case 'eq':
      return (actual) => actual === value;
    case 'neq':
      return not(operatorTest('eq', value, kind));
    case 'gt':
      return (actual) => isNumber(actual) && actual > (value as number);
    case 'gte':
      return (actual) => isNumber(actual) && actual >= (value as number);
    case 'lt':
      return (actual) => isNumber(actual) && actual < (value as number);
    case 'lte':
      return (actual) => isNumber(actual) && actual <= (value as number);
    case 'between': {
      if (list.every(isNumber)) {
        const [min, max] = list as number[];
        return (actual) => isNumber(actual) && actual >= min && actual <= max;
      }
      const [from, to] = list.map(dateSpan) as [NonNullable<ReturnType<typeof dateSpan>>, NonNullable<ReturnType<typeof dateSpan>>];
      return (actual) => {
        const time = at(actual);
        return time !== null && time >= from.start && time <= to.end;
      };
    }
    case 'in':
      return (actual) => list.includes(actual as Primitive);
    case 'nin':
    case 'notIn':
      return not(operatorTest('in', value, kind));
    case 'contains':
      return (actual) => (typeof actual === 'string' ? typeof value === 'string' && actual.includes(value) : Array.isArray(actual) && actual.includes(value));
    case 'notContains':
      return not(operatorTest('contains', value, kind));
    case 'startsWith':
      return (actual) => typeof actual === 'string' && actual.startsWith(value as string);
    case 'endsWith':
      return (actual) => typeof actual === 'string' && actual.endsWith(value as string);
    case 'matches': {
      const matches = compilePattern(value as string);
      return (actual) => typeof actual === 'string' && matches(actual);
    }
    case 'all':
      return (actual) => Array.isArray(actual) && list.every((item) => actual.includes(item));
    case 'some':
      return (actual) => Array.isArray(actual) && list.some((item) => actual.includes(item));
    case 'none':
      return not(operatorTest('some', value, kind));
    case 'before': {
      const { start } = dateSpan(value)!;
      return (actual) => {
        const time = at(actual);
        return time !== null && time < start;
      };
    }
    case 'after': {
      const { end } = dateSpan(value)!;
      return (actual) => {
        const time = at(actual);
        return time !== null && time > end;
      };
    }
    case 'isDay': {
      const { start, end } = dateSpan(value)!;
      return (actual) => {
        const time = at(actual);
        return time !== null && time >= start && time <= end;
      };
    }
    case 'isNotDay':
      return not(operatorTest('isDay', value, kind));
    case 'inLast': {
      const span = durationMs(value)!;
      return (actual, nowMs) => {
        const time = at(actual);
        return time !== null && time <= nowMs && time >= nowMs - span;
      };
    }
    default:
      throw new Error(`no test for operator ${String(op)}`);
  }
};
