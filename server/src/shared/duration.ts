/**
 * Durations as editors write them: `"90s"`, `"60m"`, `"2h"`, `"1d"`. One parser for every time a
 * rule, trigger or funnel names (sequence windows, pattern waits, cool-downs), so that the admin,
 * config and tests read alike.
 */
const DURATION_PATTERN = /^([1-9][0-9]{0,5})(s|m|h|d)$/;
const UNIT_SEC = { s: 1, m: 60, h: 3_600, d: 86_400 } as const;

/** Seconds, or null when the text is not a duration. */
export const durationSec = (text: string): number | null => {
  const match = DURATION_PATTERN.exec(text);
  return match ? Number(match[1]) * UNIT_SEC[match[2] as keyof typeof UNIT_SEC] : null;
};
