import { z } from 'zod';
import { resolveFact } from './facts';
import { OPERATORS, operatorProblem, type Operator, type Primitive } from './operators';

/**
 * The rule language: nested `all` / `any` / `not` groups over conditions `{ fact, op, value }`,
 * optionally over a time window (`window: "7d"`). Checked against the fact catalog when a segment is
 * saved, so that an error names the exact path: `rules.all[2].op: unknown operator "greater"`.
 */

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
  const problem = operatorProblem(op, spec.type, parsed.data.value, fact);
  if (problem) issues.push({ path: [...path, problem.where], message: problem.message });
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
