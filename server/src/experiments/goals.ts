import type { Goal } from './experiment-input';

export interface KeyedGoal {
  /** `primary`, `secondary-1`, ...: how results name it. */
  key: string;
  goal: Goal;
}

export const keyedGoals = (goals: { primary: Goal; secondary?: Goal[] }): KeyedGoal[] => [
  { key: 'primary', goal: goals.primary },
  ...(goals.secondary ?? []).map((goal, index) => ({ key: `secondary-${index + 1}`, goal })),
];

export interface GoalEvent {
  type: string;
  event?: string;
  category?: string;
  action?: string;
}

/** A goal is met by a track event of its name, and/or of its category (and action). Pure. */
export const meetsGoal = (goal: Goal, event: GoalEvent): boolean => {
  if (event.type !== 'track') return false;
  if (goal.event && event.event !== goal.event) return false;
  if (goal.category && event.category !== goal.category) return false;
  if (goal.action && event.action !== goal.action) return false;
  return true;
};
