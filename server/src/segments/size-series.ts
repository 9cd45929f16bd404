import { dateOfDay } from '../shared/utc-date';

/** A day's size of a segment, as the admin charts it. */
export interface DailySize {
  /** `YYYY-MM-DD` (UTC). */
  date: string;
  size: number;
}

/**
 * A segment's daily sizes from `from` to `to` (UTC day numbers), oldest first. Sizes are recorded
 * by the periodic pass; today's, until that pass has run, is the size now, so a new segment (or a
 * new install) charts something on its first day rather than nothing. Pure.
 */
export const sizeSeries = (history: Record<number, number>, current: number, today: number, from: number, to: number): DailySize[] => {
  const sizes = new Map(Object.entries(history).map(([day, size]) => [Number(day), size]));
  if (today >= from && today <= to) sizes.set(today, current);
  return [...sizes]
    .filter(([day]) => day >= from && day <= to)
    .sort(([a], [b]) => a - b)
    .map(([day, size]) => ({ date: dateOfDay(day), size }));
};
