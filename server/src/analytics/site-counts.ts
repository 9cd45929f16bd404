import { EVENT_TYPES } from '../ingest/event-schema';
import type { StatsCounts } from './store/analytics-store';

/** The site-wide counter of events a batch skipped as already stored (a retry, a double send). */
export const DUPLICATES_COUNTER = 'duplicates';

/** One counter name per event type, made once: every event of every batch is counted by its type. */
const COUNTERS = new Map<string, string>(EVENT_TYPES.map((type) => [type, `events:${type}`]));

/** The site-wide counter of an event type. */
export const eventsCounter = (type: string): string => COUNTERS.get(type) ?? `events:${type}`;

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
