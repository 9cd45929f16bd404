import { z } from 'zod';
import { stepSpecSchema, type StepSpec } from '../../journeys/step-spec';
import { journeySpanSec, MAX_JOURNEY_STEPS, MIN_JOURNEY_STEPS } from '../../journeys/journey-bounds';
import { resolveFact } from './facts';
import { OPERATORS, operatorProblem, type Operator, type Primitive } from './operators';

/**
 * The rule language: nested `all` / `any` / `not` groups over conditions `{ fact, op, value }`,
 * optionally over a time window (`window: "7d"`), and sequences `{ sequence: [step, ...], within }`.
 * Checked against the fact catalog when a segment is saved, so that an error names the exact path:
 * `rules.all[2].op: unknown operator "greater"`, `rules.all[1].sequence[2].page: expected a non-empty text`.
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

/**
 * Steps the visitor's recorded journey holds in this order (others may come between), within one
 * session or a span from the first matched step to the last (`journeys/`).
 */
export interface SequenceCondition {
  sequence: StepSpec[];
  /** `"session"` (no pause longer than the session gap between the steps), or `"1m"` to `"90d"`. */
  within: string;
}

export type RuleNode = Condition | SequenceCondition | { all: RuleNode[] } | { any: RuleNode[] } | { not: RuleNode };

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

/** zod's issues as rule issues under `path`, in the rule language's words. */
const pushZodIssues = (error: z.ZodError, path: (string | number)[], issues: RuleIssue[]) => {
  for (const issue of error.issues) {
    const message =
      issue.code === 'unrecognized_keys' ? `unknown field${issue.keys.length > 1 ? 's' : ''} ${issue.keys.map((key) => `"${key}"`).join(', ')}` : issue.message;
    issues.push({ path: [...path, ...(issue.path as (string | number)[])], message });
  }
};

const WITHIN_PROBLEM = 'expected "session" or a duration from "1m" to "90d", e.g. "30m", "2h", "7d"';

/** The span a sequence's `within` allows, in seconds; "session" for one session; null when it is neither. */
export const sequenceSpanSec = (within: unknown): number | 'session' | null => (within === 'session' ? 'session' : journeySpanSec(within));

/** A step that is not even an object is named as such (zod would say "expected object, received string"). */
const sequenceStep = z
  .custom<object>((value) => typeof value === 'object' && value !== null && !Array.isArray(value), { error: 'expected a step { page | event | category | contentType | topic }' })
  .pipe(stepSpecSchema);

const sequenceShape = z.strictObject({
  sequence: z
    .array(sequenceStep, { error: 'expected a list of steps' })
    .min(MIN_JOURNEY_STEPS, `expected at least ${MIN_JOURNEY_STEPS} steps`)
    .max(MAX_JOURNEY_STEPS, `more than ${MAX_JOURNEY_STEPS} steps`),
  within: z.unknown().refine((within) => sequenceSpanSec(within) !== null, { error: WITHIN_PROBLEM }),
});

const checkSequence = (value: object, path: (string | number)[], issues: RuleIssue[]) => {
  const parsed = sequenceShape.safeParse(value);
  if (!parsed.success) pushZodIssues(parsed.error, path, issues);
};

const checkCondition = (value: object, path: (string | number)[], issues: RuleIssue[]) => {
  const parsed = conditionShape.safeParse(value);
  if (!parsed.success) {
    pushZodIssues(parsed.error, path, issues);
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

const NOT_A_NODE = 'expected a condition { fact, op, value }, a sequence { sequence, within } or a group { all | any | not }';

/** Walks a rule tree, collecting every problem with its path; counts nodes and conditions to bound the work. */
const checkNode = (node: unknown, path: (string | number)[], depth: number, issues: RuleIssue[], counter: { conditions: number; nodes: number }) => {
  if (++counter.nodes > MAX_NODES) {
    if (counter.nodes === MAX_NODES + 1) issues.push({ path, message: `more than ${MAX_NODES} groups and conditions` });
    return;
  }
  if (typeof node !== 'object' || node === null || Array.isArray(node)) {
    issues.push({ path, message: NOT_A_NODE });
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
    // A sequence counts as one condition: its steps are bounded apart (at most ten).
    if (Object.hasOwn(node, 'sequence')) checkSequence(node, path, issues);
    else checkCondition(node, path, issues);
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
