import { durationSec } from '../shared/duration';

/**
 * How long a journey a sequence rule or a funnel may describe: 2 to 10 steps, over a span from a
 * minute (steps are timed to the second, but a shorter span is rarely what an editor means) to 90
 * days (beyond, a profile's short list of recent steps has long moved on).
 */
export const MIN_JOURNEY_STEPS = 2;
export const MAX_JOURNEY_STEPS = 10;
export const MIN_JOURNEY_SPAN_SEC = 60;
export const MAX_JOURNEY_SPAN_SEC = 90 * 86_400;

/** The seconds a span such as `"30m"` or `"7d"` stands for, or null when it is not one within the bounds. */
export const journeySpanSec = (text: unknown): number | null => {
  const seconds = typeof text === 'string' ? durationSec(text) : null;
  return seconds !== null && seconds >= MIN_JOURNEY_SPAN_SEC && seconds <= MAX_JOURNEY_SPAN_SEC ? seconds : null;
};
