/**
 * The rule builder's editable tree, and its conversion to and from the plugin's rule language.
 * Pure: the component renders it, these functions change it.
 */

import type { FactType } from '../../../../server/src/segments/rules/operators';
import type { StepSpec } from '../../../../server/src/journeys/step-spec';

export type { FactType, StepSpec };

export interface ConditionNode {
  id: string;
  kind: 'condition';
  fact: string;
  op: string;
  /** As typed: parsed by `toRules` (numbers, lists "a, b", ranges "1, 5"). */
  value: string;
  window: string;
}

/** Steps in this order (`JourneyStepsEditor`), within one session or a span ("30m", "2h", "7d"). */
export interface SequenceNode {
  id: string;
  kind: 'sequence';
  steps: StepSpec[];
  within: string;
}

export interface GroupNode {
  id: string;
  kind: 'group';
  match: 'all' | 'any';
  negate: boolean;
  children: RuleTreeNode[];
}

export type RuleTreeNode = ConditionNode | SequenceNode | GroupNode;

/** The rule language (what the API takes). */
export type Rule =
  | { all: Rule[] }
  | { any: Rule[] }
  | { not: Rule }
  | { sequence: StepSpec[]; within: string }
  | { fact: string; op: string; value?: unknown; window?: string };

let counter = 0;
export const newId = () => `node-${++counter}`;

export const newCondition = (): ConditionNode => ({ id: newId(), kind: 'condition', fact: '', op: 'gte', value: '', window: '' });
export const newSequence = (): SequenceNode => ({ id: newId(), kind: 'sequence', steps: [{ page: '' }, { page: '' }], within: 'session' });
export const newGroup = (match: 'all' | 'any' = 'all'): GroupNode => ({ id: newId(), kind: 'group', match, negate: false, children: [newCondition()] });

export type SpanUnit = 's' | 'm' | 'h' | 'd';

/** A sequence's `within` as the picker shows it: one session, or an amount (as typed) and a unit. */
export const splitWithin = (within: string): 'session' | { amount: string; unit: SpanUnit } => {
  if (within === 'session') return 'session';
  const match = /^(\d*)([smhd])$/.exec(within);
  return match ? { amount: match[1], unit: match[2] as SpanUnit } : { amount: '', unit: 'h' };
};

export const takesValue = (op: string) => op !== 'exists' && op !== 'notExists' && op !== 'missing';

/** Operators whose value is a list, typed "a, b, c" (`between`: "min, max" or "from, to"). */
export const LIST_OPERATORS = ['in', 'nin', 'notIn', 'all', 'some', 'none', 'between'];

/** Replaces the node with `id` (anywhere in the tree) by what `change` returns; null removes it. */
export const updateNode = (root: GroupNode, id: string, change: (node: RuleTreeNode) => RuleTreeNode | null): GroupNode => {
  const visit = (node: RuleTreeNode): RuleTreeNode | null => {
    if (node.id === id) return change(node);
    if (node.kind === 'group') {
      return { ...node, children: node.children.map(visit).filter((child): child is RuleTreeNode => child !== null) };
    }
    return node;
  };
  return visit(root) as GroupNode;
};

export const addChild = (root: GroupNode, groupId: string, child: RuleTreeNode): GroupNode =>
  updateNode(root, groupId, (node) => (node.kind === 'group' ? { ...node, children: [...node.children, child] } : node));

export const removeNode = (root: GroupNode, id: string): GroupNode => (id === root.id ? root : updateNode(root, id, () => null));

const parseScalar = (text: string, type: FactType): unknown => {
  const trimmed = text.trim();
  // Dates ("2026-01-31", "30d") and list items (document ids) are text.
  if (type === 'string' || type === 'date' || type === 'list') return trimmed;
  if (trimmed !== '' && !Number.isNaN(Number(trimmed))) return Number(trimmed);
  if (type === 'any' && (trimmed === 'true' || trimmed === 'false')) return trimmed === 'true';
  return trimmed;
};

const parseValue = (condition: ConditionNode, type: FactType): unknown => {
  if (!takesValue(condition.op)) return undefined;
  if (LIST_OPERATORS.includes(condition.op)) {
    return condition.value
      .split(',')
      .map((item) => item.trim())
      .filter((item) => item !== '')
      .map((item) => parseScalar(item, type));
  }
  return parseScalar(condition.value, type);
};

/** The tree as the API takes it. `typeOf` gives a fact's type (from the fact catalog). */
export const toRules = (node: RuleTreeNode, typeOf: (fact: string) => FactType): Rule => {
  if (node.kind === 'sequence') return { sequence: node.steps, within: node.within };
  if (node.kind === 'condition') {
    const value = parseValue(node, typeOf(node.fact));
    return { fact: node.fact, op: node.op, ...(value !== undefined ? { value } : {}), ...(node.window ? { window: node.window } : {}) };
  }
  const children = node.children.map((child) => toRules(child, typeOf));
  // "None of" one rule is simply "not" that rule.
  if (node.negate && children.length === 1) return { not: children[0] };
  const group = node.match === 'all' ? { all: children } : { any: children };
  return node.negate ? { not: group } : group;
};

const formatValue = (value: unknown): string => (Array.isArray(value) ? value.join(', ') : value === undefined || value === null ? '' : String(value));

/** An API rule as an editable tree (the root is always a group). */
export const fromRules = (rule: Rule | null | undefined): GroupNode => {
  const convert = (node: Rule): RuleTreeNode => {
    if ('all' in node) return { id: newId(), kind: 'group', match: 'all', negate: false, children: node.all.map(convert) };
    if ('any' in node) return { id: newId(), kind: 'group', match: 'any', negate: false, children: node.any.map(convert) };
    if ('not' in node) {
      const inner = convert(node.not);
      return inner.kind === 'group' ? { ...inner, negate: !inner.negate } : { id: newId(), kind: 'group', match: 'all', negate: true, children: [inner] };
    }
    if ('sequence' in node) return { id: newId(), kind: 'sequence', steps: node.sequence, within: node.within };
    return { id: newId(), kind: 'condition', fact: node.fact, op: node.op, value: formatValue(node.value), window: node.window ?? '' };
  };
  if (!rule) return newGroup();
  const root = convert(rule);
  return root.kind === 'group' ? root : { id: newId(), kind: 'group', match: 'all', negate: false, children: [root] };
};
