import { STATS_RETENTION_SEC } from '../store/keys';

const DAY_SEC = 86_400;

/**
 * A finished day's figures can still change a little after midnight: an instance's one-second stats
 * flush, or a segment pass that started before midnight. A day rolled up this long after its end
 * is final; before that, every rollup writes it again.
 */
export const SETTLE_SEC = 3_600;

/** Redis keeps per-day figures (site counters, active visitors, segment sizes) this many days: the oldest day a rollup looks at. */
export const HORIZON_DAYS = STATS_RETENTION_SEC / DAY_SEC;

/** Whether a rollup at `nowSec` writes `day` for the last time. Pure. */
export const isFinal = (day: number, nowSec: number): boolean => nowSec >= (day + 1) * DAY_SEC + SETTLE_SEC;

/**
 * The finished days a rollup on `today` writes, oldest first: every day from `today - horizonDays`
 * to yesterday that history does not hold as final (missing: never rolled up, e.g. on the first
 * rollup of an existing site; not final: rolled up while it could still change). Pure.
 */
export const daysToRollUp = (today: number, finalDays: ReadonlySet<number>, horizonDays = HORIZON_DAYS): number[] => {
  const days: number[] = [];
  for (let day = today - horizonDays; day < today; day++) if (!finalDays.has(day)) days.push(day);
  return days;
};
