import type { StepSpec } from '../journeys/step-spec';
import { funnelCounter } from './funnel-counters';

export interface FunnelReportStep {
  step: StepSpec;
  /** Visitors who reached the step (each counted once per entry day). */
  reached: number;
  /** Share of the previous step's visitors who reached this one (null for the first step, or when the previous had none). */
  fromPrevious: number | null;
  /** Share of the first step's visitors who reached this one. */
  fromFirst: number | null;
  /** Visitors of the previous step who did not reach this one (0 for the first step). */
  droppedOff: number;
}

const share = (part: number, whole: number): number | null => (whole > 0 ? part / whole : null);

/**
 * A funnel's report over days of counters (`funnel-counters.ts`): per step, the visitors who reached
 * it, summed over the entry days, with conversion and drop-off. With a segment, only visitors who
 * were members when they reached the step; membership can change along an attempt, so a later step
 * can then count more than an earlier one, and drop-off is never negative. Pure.
 */
export const funnelReport = (
  funnel: string,
  steps: readonly StepSpec[],
  counters: Record<number, Record<string, number>>,
  segment?: string
): FunnelReportStep[] => {
  const reached = steps.map((_, index) => {
    const name = funnelCounter(funnel, index + 1, segment);
    return Object.values(counters).reduce((sum, day) => sum + (Number(day[name]) || 0), 0);
  });
  return steps.map((step, index) => ({
    step,
    reached: reached[index],
    fromPrevious: index === 0 ? null : share(reached[index], reached[index - 1]),
    fromFirst: share(reached[index], reached[0]),
    droppedOff: index === 0 ? 0 : Math.max(0, reached[index - 1] - reached[index]),
  }));
};
