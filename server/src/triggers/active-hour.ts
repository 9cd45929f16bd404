import { ACTIVITY_BUCKET_PREFIX } from '../store/profile-fields';

/**
 * The hour of the week a visitor is usually active in, from the profile's histogram of events per
 * UTC hour of the week (0 = Monday 00:00-00:59 UTC ... 167 = Sunday 23:00-23:59). Pure.
 */

export const HOURS_PER_WEEK = 168;
const SECONDS_PER_HOUR = 3_600;
/** 1970-01-01 was a Thursday: hour 0 of the week (Monday 00:00 UTC) was 3 days before epoch day 0. */
const EPOCH_HOUR_OF_WEEK = 3 * 24;

/** The histogram out of a profile's windows hash (`w<hour>` fields). */
export const activityHistogram = (windows: Readonly<Record<string, number>>): Record<number, number> => {
  const histogram: Record<number, number> = {};
  for (const key in windows) {
    if (!key.startsWith(ACTIVITY_BUCKET_PREFIX)) continue;
    const hour = Number(key.slice(ACTIVITY_BUCKET_PREFIX.length));
    if (Number.isInteger(hour) && hour >= 0 && hour < HOURS_PER_WEEK) histogram[hour] = windows[key];
  }
  return histogram;
};

export const hourOfWeek = (epochSec: number): number =>
  (Math.floor(epochSec / SECONDS_PER_HOUR) + EPOCH_HOUR_OF_WEEK) % HOURS_PER_WEEK;

/**
 * When to send: now if the visitor is usually active in this hour (or nothing is known); else the
 * start of the busiest hour of the histogram that falls within `withinSec` from now, or now when
 * none does. Ties go to the soonest.
 */
export const nextActiveTime = (histogram: Readonly<Record<number, number>>, nowSec: number, withinSec: number): number => {
  const counts = Object.values(histogram);
  if (counts.length === 0) return nowSec;
  let best = { count: histogram[hourOfWeek(nowSec)] ?? 0, at: nowSec };
  const hourStart = Math.floor(nowSec / SECONDS_PER_HOUR) * SECONDS_PER_HOUR;
  for (let at = hourStart + SECONDS_PER_HOUR; at <= nowSec + withinSec; at += SECONDS_PER_HOUR) {
    const count = histogram[hourOfWeek(at)] ?? 0;
    if (count > best.count) best = { count, at };
  }
  return best.at;
};
