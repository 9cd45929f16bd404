/**
 * Dates in rules: values written as ISO 8601 (`"2026-01-31"`, or a date and time with its offset,
 * `"2026-01-31T09:00:00Z"`), durations for `inLast` (`"30d"`, `"12h"`). Pure.
 *
 * A date without a time stands for its whole UTC day, so that `after "2026-01-31"` means from
 * February 1st and `between ["2026-01-01", "2026-01-31"]` includes the 31st. A date and time without
 * an offset is refused: whose midnight would it be?
 */

const DAY_MS = 86_400_000;
const DATE_ONLY = /^(\d{4})-(\d{2})-(\d{2})$/;
const DATE_TIME = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2}(\.\d{1,3})?)?(Z|[+-]\d{2}:\d{2})$/;
const DURATION = /^([1-9]\d{0,3})([dh])$/;
/** Ten years: a bound that keeps `inLast` arithmetic far from overflow. */
const MAX_DURATION_MS = 3_650 * DAY_MS;

/** The first and last millisecond a date value stands for; null when it is not one. */
export interface DateSpan {
  start: number;
  end: number;
}

export const dateSpan = (value: unknown): DateSpan | null => {
  if (typeof value !== 'string') return null;
  const day = DATE_ONLY.exec(value);
  if (day) {
    const [year, month, date] = [Number(day[1]), Number(day[2]), Number(day[3])];
    const start = Date.UTC(year, month - 1, date);
    // Date.UTC rolls 2026-02-30 over to March 2nd: such a day does not exist.
    if (new Date(start).getUTCDate() !== date || new Date(start).getUTCMonth() !== month - 1) return null;
    return { start, end: start + DAY_MS - 1 };
  }
  if (!DATE_TIME.test(value)) return null;
  const instant = Date.parse(value);
  return Number.isNaN(instant) ? null : { start: instant, end: instant };
};

/** `"30d"` or `"12h"` in milliseconds; null when it is not a duration up to ten years. */
export const durationMs = (value: unknown): number | null => {
  if (typeof value !== 'string') return null;
  const match = DURATION.exec(value);
  if (!match) return null;
  const ms = Number(match[1]) * (match[2] === 'd' ? DAY_MS : 3_600_000);
  return ms <= MAX_DURATION_MS ? ms : null;
};

/** The instant a fact's actual value stands for, in ms: an ISO 8601 text; anything else is no date. */
export const instantOf = (actual: unknown): number | null => {
  if (actual instanceof Date) return actual.getTime();
  const span = dateSpan(actual);
  return span ? span.start : null;
};
