import { z } from 'zod';
import { resolveFact, type FactType } from './facts';

/**
 * The rule language: nested `all` / `any` / `not` groups over conditions `{ fact, op, value }`,
 * optionally over a time window (`window: "7d"`). Checked against the fact catalog when a segment is
 * saved, so that an error names the exact path: `rules.all[2].op: unknown operator "greater"`.
 */

export const OPERATORS = ['eq', 'neq', 'gt', 'gte', 'lt', 'lte', 'between', 'in', 'nin', 'contains', 'startsWith', 'exists', 'notExists'] as const;
export type Operator = (typeof OPERATORS)[number];

export type Primitive = string | number | boolean;

export interface Condition {
  fact: string;
  op: Operator;
  value?: Primitive | Primitive[];
  /**
   * `<n>d`: today and the n-1 UTC calendar days before it (1 to 90); `<n>h`: the last n hours,
   * rolling (1 to 48). Only for facts kept in buckets.
   */
  window?: string;
}

export type RuleNode = Condition | { all: RuleNode[] } | { any: RuleNode[] } | { not: RuleNode };

export const MAX_RULE_DEPTH = 10;
export const MAX_CONDITIONS = 200;
/** Groups and conditions together: empty groups cost evaluation time too. */
export const MAX_NODES = 400;
const MAX_LIST_VALUES = 100;

export interface RuleIssue {
  path: (string | number)[];
  message: string;
}

const conditionShape = z.strictObject({
  fact: z.string({ error: 'expected a fact name' }).min(1, 'expected a fact name').max(200, 'longer than 200 characters'),
  op: z.enum(OPERATORS, {
    error: (issue) => `unknown operator ${JSON.stringify(issue.input)} (expected one of ${OPERATORS.join(', ')})`,
  }),
  value: z.unknown().optional(),
  window: z
    .string()
    .regex(/^(([1-9]|[1-8][0-9]|90)d|([1-9]|[1-3][0-9]|4[0-8])h)$/, 'expected a window from "1d" to "90d" (calendar days) or from "1h" to "48h" (rolling hours)')
    .optional(),
});

const isPrimitive = (value: unknown): value is Primitive =>
  typeof value === 'string' || typeof value === 'boolean' || (typeof value === 'number' && Number.isFinite(value));

/** What the value must look like for this operator on a fact of this type; null when it fits. */
const valueProblem = (op: Operator, type: FactType, value: unknown, fact: string): string | null => {
  const scalarOk = (item: unknown) =>
    type === 'number' ? typeof item === 'number' && Number.isFinite(item) : type === 'string' ? typeof item === 'string' : isPrimitive(item);
  const expected = type === 'number' ? 'a number' : type === 'string' ? 'a string' : 'a string, number or boolean';
  switch (op) {
    case 'exists':
    case 'notExists':
      return value === undefined ? null : `operator "${op}" takes no value`;
    case 'gt':
    case 'gte':
    case 'lt':
    case 'lte':
      if (type === 'string') return `operator "${op}" does not apply to the text fact ${fact}`;
      return typeof value === 'number' && Number.isFinite(value) ? null : 'expected a number';
    case 'between':
      if (type === 'string') return `operator "between" does not apply to the text fact ${fact}`;
      if (!Array.isArray(value) || value.length !== 2 || !value.every((item) => typeof item === 'number' && Number.isFinite(item))) {
        return 'expected [min, max], two numbers';
      }
      return value[0] <= value[1] ? null : 'expected [min, max] with min <= max';
    case 'in':
    case 'nin':
      if (!Array.isArray(value) || value.length === 0) return 'expected a non-empty list';
      if (value.length > MAX_LIST_VALUES) return `more than ${MAX_LIST_VALUES} values`;
      return value.every(scalarOk) ? null : `expected a list of ${expected.replace(/^an? /, '')}s`;
    case 'contains':
    case 'startsWith':
      if (type === 'number') return `operator "${op}" does not apply to the number fact ${fact}`;
      if (op === 'startsWith') return typeof value === 'string' ? null : 'expected a string';
      return isPrimitive(value) ? null : 'expected a string, number or boolean';
    default:
      return scalarOk(value) ? null : `expected ${expected}`;
  }
};

const checkCondition = (value: object, path: (string | number)[], issues: RuleIssue[]) => {
  const parsed = conditionShape.safeParse(value);
  if (!parsed.success) {
    for (const issue of parsed.error.issues) {
      const message =
        issue.code === 'unrecognized_keys'
          ? `unknown field${issue.keys.length > 1 ? 's' : ''} ${issue.keys.map((key) => `"${key}"`).join(', ')}`
          : issue.message;
      issues.push({ path: [...path, ...(issue.path as (string | number)[])], message });
    }
    return;
  }
  const { fact, op, window } = parsed.data;
  const spec = resolveFact(fact);
  if (!spec) {
    issues.push({ path: [...path, 'fact'], message: `unknown fact ${JSON.stringify(fact)}` });
    return;
  }
  if (window && !spec.windowCounter) {
    issues.push({ path: [...path, 'window'], message: `the fact ${fact} is not counted per day, so it has no window` });
  }
  const problem = valueProblem(op, spec.type, parsed.data.value, fact);
  if (problem) issues.push({ path: [...path, problem.includes('does not apply') ? 'op' : 'value'], message: problem });
};

const GROUPS = ['all', 'any', 'not'] as const;

/** Walks a rule tree, collecting every problem with its path; counts nodes and conditions to bound the work. */
const checkNode = (node: unknown, path: (string | number)[], depth: number, issues: RuleIssue[], counter: { conditions: number; nodes: number }) => {
  if (++counter.nodes > MAX_NODES) {
    if (counter.nodes === MAX_NODES + 1) issues.push({ path, message: `more than ${MAX_NODES} groups and conditions` });
    return;
  }
  if (typeof node !== 'object' || node === null || Array.isArray(node)) {
    issues.push({ path, message: 'expected a condition { fact, op, value } or a group { all | any | not }' });
    return;
  }
  if (depth > MAX_RULE_DEPTH) {
    issues.push({ path, message: `groups nested deeper than ${MAX_RULE_DEPTH} levels` });
    return;
  }
  const keys = Object.keys(node);
  const group = GROUPS.find((name) => Object.hasOwn(node, name));
  if (!group) {
    if (++counter.conditions > MAX_CONDITIONS) {
      if (counter.conditions === MAX_CONDITIONS + 1) issues.push({ path, message: `more than ${MAX_CONDITIONS} conditions` });
      return;
    }
    checkCondition(node, path, issues);
    return;
  }
  if (keys.length !== 1) {
    issues.push({ path, message: `a group has exactly one key ("${group}"); found ${keys.map((key) => `"${key}"`).join(', ')}` });
    return;
  }
  const children = (node as Record<string, unknown>)[group];
  if (group === 'not') {
    checkNode(children, [...path, 'not'], depth + 1, issues, counter);
    return;
  }
  if (!Array.isArray(children)) {
    issues.push({ path: [...path, group], message: 'expected a list of conditions or groups' });
    return;
  }
  children.forEach((child, index) => checkNode(child, [...path, group, index], depth + 1, issues, counter));
};

/** Every problem of a rule tree, with paths relative to it. */
export const ruleIssues = (rules: unknown): RuleIssue[] => {
  const issues: RuleIssue[] = [];
  checkNode(rules, [], 1, issues, { conditions: 0, nodes: 0 });
  return issues;
};

/** The zod schema of a segment's `rules`: a valid tree, or issues with paths under `rules`. */
export const ruleTreeSchema = z.unknown().superRefine((value, ctx) => {
  for (const issue of ruleIssues(value)) ctx.addIssue({ code: 'custom', path: issue.path, message: issue.message });
}) as unknown as z.ZodType<RuleNode>;
