import type { Assignment } from './store/experiment-store';
import { assignArm, HOLDOUT, type ArmWeight } from './bucketing';
import { CONTROL } from './experiment-input';
import type { KeyedGoal } from './goals';

/** A running experiment, as resolution and ingest use it (built from the stored one). */
export interface RunningExperiment {
  /**
   * The stored experiment's documentId: visitors' arms and the counters are kept under it, so that
   * a new experiment reusing a deleted one's key starts from nothing.
   */
  id: string;
  key: string;
  targetKind: 'entry' | 'segment' | 'recommendations';
  /** `<uid>|<documentId>|<locale>` of an entry experiment. */
  entry?: string;
  /** The content type of an entry experiment, or whose recommendations are tested. */
  uid?: string;
  /** The segment whose variants a segment-level experiment tests. */
  targetSegment?: string;
  audience: string | null;
  arms: ArmWeight[];
  holdoutPercent: number;
  goals: KeyedGoal[];
}

export interface ArmDecision {
  /** The experiment's key (what responses report) and id (what the store keeps arms under). */
  experiment: string;
  experimentId: string;
  arm: string;
  /** The base entry is served (control, or held out). */
  servesBase: boolean;
  /** No arm was recorded for this visitor yet: this serving is the first exposure. */
  firstExposure: boolean;
}

/**
 * Which arm a visitor sees: the recorded one if any (sticky, whatever the weights are now), else
 * the deterministic assignment (by key, so that a visitor's arm can be predicted from the key alone). Null when the visitor is outside the audience. Pure.
 */
export const decideArm = (
  experiment: RunningExperiment,
  visitorId: string,
  segments: readonly string[],
  assignments: Record<string, Assignment>
): ArmDecision | null => {
  if (experiment.audience && !segments.includes(experiment.audience)) return null;
  const recorded = assignments[experiment.id];
  const arm = recorded?.arm ?? assignArm(experiment.key, visitorId, experiment.arms, experiment.holdoutPercent);
  return { experiment: experiment.key, experimentId: experiment.id, arm, servesBase: arm === CONTROL || arm === HOLDOUT, firstExposure: !recorded };
};
