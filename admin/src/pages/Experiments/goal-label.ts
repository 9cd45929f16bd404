import type { Goal } from '../../api/types';

/** A goal as an editor reads it: `Signup`, or `video / play`. */
export const goalLabel = (goal: Goal): string => goal.event ?? [goal.category, goal.action].filter(Boolean).join(' / ');
