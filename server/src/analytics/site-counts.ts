import type { StatsCounts } from './store/analytics-store';

/** The site-wide counter of events a batch skipped as already stored (a retry, a double send). */
export const DUPLICATES_COUNTER = 'duplicates';

const COUNTERS = new Map<string, string>();

/** The site-wide counter of an event type (one string per type, not one per event counted). */
export const eventsCounter = (type: string): string => {
  let counter = COUNTERS.get(type);
  if (counter === undefined) {
    counter = `events:${type}`;
    // Types are validated ones (a handful); the bound only guards against a caller passing anything.
    if (COUNTERS.size < 64) COUNTERS.set(type, counter);
  }
  return counter;
};

/**
 * What one applied batch adds to the day's site-wide counters: each applied update's counter,
 * and the updates skipped as duplicates. Pure: the memory store and callers of a store that could
 * not count atomically use it; the Redis apply script does the same in Lua.
 */
export const siteCountsOfBatch = (counters: readonly string[], applied: readonly boolean[], duplicates: number): StatsCounts => {
  const counts: StatsCounts = {};
  applied.forEach((wasApplied, index) => {
    const counter = counters[index];
    if (wasApplied && counter !== undefined) counts[counter] = (counts[counter] ?? 0) + 1;
  });
  if (duplicates > 0) counts[DUPLICATES_COUNTER] = duplicates;
  return counts;
};
