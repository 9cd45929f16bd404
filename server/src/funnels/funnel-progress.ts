import { FUNNEL_PREFIX } from '../store/profile-fields';
import type { FunnelReached } from '../store/profile-store';

/**
 * How a visitor moves through a funnel, one applied event at a time. Pure; the memory store runs it
 * and the Redis apply script runs its Lua twin (`store/funnel-progress-lua.ts`), both held to the
 * same cases by the store contract suite.
 *
 * A visitor's progress in a funnel is one field of their profile hash, `f:<funnel>` =
 * `<step reached>|<entry ts>|<highest step counted for the entry's day>`:
 *
 * - the first step starts an attempt when none is under way: none yet, or the window since the
 *   last attempt's entry has passed (an attempt under way, or finished, is not restarted by
 *   repeating the first step);
 * - step k+1 advances an attempt at step k when it comes within the window of the entry, and one
 *   event advances one step at most; a step out of order (skipped ahead, or repeated) does nothing;
 * - events older than the attempt's entry (late arrivals) do nothing.
 *
 * Visitors are counted, not attempts: each step is counted once per visitor per entry day (UTC),
 * under the day the attempt entered, so a report over days sees every step of an attempt on the day
 * it started, and a second attempt on the same day counts only the steps the first did not reach.
 */

export interface FunnelProgress {
  reached: number;
  entryTs: number;
  /** Highest step counted for the UTC day of `entryTs`. */
  counted: number;
}

export const funnelField = (funnel: string): string => FUNNEL_PREFIX + funnel;

export const encodeProgress = (progress: FunnelProgress): string => `${progress.reached}|${progress.entryTs}|${progress.counted}`;

export const decodeProgress = (stored: string | undefined): FunnelProgress | undefined => {
  if (stored === undefined) return undefined;
  const [reached, entryTs, counted] = stored.split('|').map(Number);
  return Number.isInteger(reached) && Number.isInteger(entryTs) && Number.isInteger(counted) ? { reached, entryTs, counted } : undefined;
};

const utcDay = (ts: number) => Math.floor(ts / 86_400);

/** Whether a step mask (`EventUpdate.funnels`: bit k-1 for step k) holds step k. */
export const hasStep = (mask: number, step: number): boolean => step >= 1 && step <= 31 && Math.floor(mask / 2 ** (step - 1)) % 2 === 1;

/**
 * One event's effect on one funnel (the steps it is, as a mask): the progress after it (undefined:
 * unchanged) and the step it counts, if any, on the entry day.
 */
export const advanceFunnel = (
  progress: FunnelProgress | undefined,
  ts: number,
  mask: number,
  windowSec: number
): { progress: FunnelProgress; reached?: Omit<FunnelReached, 'funnel'> } | undefined => {
  const inWindow = progress !== undefined && ts >= progress.entryTs && ts - progress.entryTs <= windowSec;
  let next: FunnelProgress;
  if (inWindow) {
    if (!hasStep(mask, progress.reached + 1)) return undefined;
    next = { ...progress, reached: progress.reached + 1 };
  } else {
    const startsAgain = progress === undefined || ts - progress.entryTs > windowSec;
    if (!startsAgain || !hasStep(mask, 1)) return undefined;
    const sameDay = progress !== undefined && utcDay(progress.entryTs) === utcDay(ts);
    next = { reached: 1, entryTs: ts, counted: sameDay ? progress.counted : 0 };
  }
  if (next.reached <= next.counted) return { progress: next };
  return { progress: { ...next, counted: next.reached }, reached: { day: utcDay(next.entryTs), step: next.reached } };
};
