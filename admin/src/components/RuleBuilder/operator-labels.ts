import type { Translate } from '../../utils/use-translate';

/** Operators as an editor reads them: the rule builder's, and the property filters of triggers. */
export const operatorLabels = (t: Translate): Record<string, string> => ({
  eq: t('rules.op.eq', 'is'),
  neq: t('rules.op.neq', 'is not'),
  gt: t('rules.op.gt', 'is more than'),
  gte: t('rules.op.gte', 'is at least'),
  lt: t('rules.op.lt', 'is less than'),
  lte: t('rules.op.lte', 'is at most'),
  between: t('rules.op.between', 'is between'),
  in: t('rules.op.in', 'is one of'),
  nin: t('rules.op.nin', 'is none of'),
  contains: t('rules.op.contains', 'contains'),
  startsWith: t('rules.op.startsWith', 'starts with'),
  endsWith: t('rules.op.endsWith', 'ends with'),
  notContains: t('rules.op.notContains', 'does not contain'),
  matches: t('rules.op.matches', 'matches the pattern'),
  exists: t('rules.op.exists', 'is known'),
  notExists: t('rules.op.notExists', 'is unknown'),
  before: t('rules.op.before', 'is before'),
  after: t('rules.op.after', 'is after'),
  isDay: t('rules.op.isDay', 'is on the day'),
  isNotDay: t('rules.op.isNotDay', 'is not on the day'),
  inLast: t('rules.op.inLast', 'is within the last'),
  all: t('rules.op.all', 'holds all of'),
  some: t('rules.op.some', 'holds any of'),
  none: t('rules.op.none', 'holds none of'),
});
