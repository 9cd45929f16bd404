import type { VisitorScanPartition } from '../store/profile-store';
import { longestLookbackSec } from './rules/time-dependence';

/**
 * What a re-evaluation pass covers, decided once when it begins and shared by every instance
 * that works on it. Pure.
 */
export interface ReevaluationPlan {
  reason: string;
  /** `all`: after a segment change (or without a completed pass to start from); `time`: the scheduled refresh. */
  scope: 'all' | 'time';
  /**
   * Which profiles are read and evaluated: every one, none (no rule depends on time: the pass only
   * confirms stored memberships), or those whose latest event is at or after this epoch second.
   * The others cannot have changed since the last completed pass; their stored membership is confirmed.
   */
  evaluate: 'all' | 'none' | number;
  partitions: VisitorScanPartition[];
  segments: number;
}

/**
 * Profiles a scheduled pass must evaluate: those whose latest event is recent enough that time
 * alone may still change a verdict since the last completed pass began. With a percentile rule
 * that is everyone (everyone's percentile moves with the others'), and everyone too when no pass
 * of these rules completed yet.
 */
export const evaluationScope = (
  scope: 'all' | 'time',
  lookbacksSec: readonly (number | null | undefined)[],
  lastCompletedStartSec: number | undefined
): ReevaluationPlan['evaluate'] => {
  if (scope === 'all' || lastCompletedStartSec === undefined) return 'all';
  const lookback = longestLookbackSec(lookbacksSec.map((value) => value ?? null));
  if (lookback === null) return 'none';
  if (!Number.isFinite(lookback)) return 'all';
  return lastCompletedStartSec - lookback;
};

/** Whether a profile last seen at `lastSeenSec` (null: no profile) is read and evaluated. */
export const needsEvaluation = (evaluate: ReevaluationPlan['evaluate'], lastSeenSec: number | null): boolean =>
  evaluate === 'all' || (evaluate !== 'none' && lastSeenSec !== null && lastSeenSec >= evaluate);
