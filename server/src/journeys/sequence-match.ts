import type { JourneyStep } from './journey-step';
import type { StepMatcher } from './step-spec';

/**
 * Whether steps (oldest first) hold the matchers' steps in that order, not necessarily adjacent, with
 * the whole match inside a window: `maxSpanSec` from the first matched step to the last, or one
 * session (`sessionGapSec`: no gap longer than this between consecutive recorded steps from the
 * first matched step to the last). Pure; O(steps² × matchers), with at most a few dozen steps.
 *
 * For each step that matches the first matcher, the rest are matched greedily at their earliest
 * place: that finishes the match as early as any choice could, so if it leaves the window no other
 * choice from that start stays inside.
 */
export type SequenceWindow = { maxSpanSec: number } | { sessionGapSec: number };

export const matchesSequence = (steps: readonly JourneyStep[], matchers: readonly StepMatcher[], window: SequenceWindow): boolean => {
  if (matchers.length === 0) return false;
  for (let start = 0; start < steps.length; start++) {
    if (!matchers[0](steps[start])) continue;
    let next = 1;
    for (let index = start + 1; index < steps.length && next < matchers.length; index++) {
      const outside =
        'maxSpanSec' in window
          ? steps[index].ts - steps[start].ts > window.maxSpanSec
          : steps[index].ts - steps[index - 1].ts > window.sessionGapSec;
      if (outside) break;
      if (matchers[next](steps[index])) next++;
    }
    if (next === matchers.length) return true;
  }
  return false;
};
