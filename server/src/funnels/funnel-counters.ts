import type { StatsCounts } from '../analytics/store/analytics-store';
import type { FunnelReached } from '../store/profile-store';

/**
 * Funnel counts live in the site-wide daily counters (`psn:stats:<day>`), under the attempt's entry
 * day: `funnel:<funnel>:<step>` visitors reached the step, and `funnel:<funnel>:<step>:<segment>`
 * those of them in the segment (as stored when the step was reached). Being daily counters, they
 * are rolled up into the durable history with the others (`history/`) and kept as long. Pure; the
 * Redis apply script builds the same names in Lua.
 */
export const FUNNEL_COUNTER_PREFIX = 'funnel:';

export const funnelCounter = (funnel: string, step: number, segment?: string): string =>
  `${FUNNEL_COUNTER_PREFIX}${funnel}:${step}${segment === undefined ? '' : `:${segment}`}`;

/** What reached steps add to the counters, per entry day. */
export const funnelCountsOf = (reached: readonly FunnelReached[], segments: readonly string[]): Map<number, StatsCounts> => {
  const byDay = new Map<number, StatsCounts>();
  for (const { funnel, day, step } of reached) {
    let counts = byDay.get(day);
    if (!counts) byDay.set(day, (counts = {}));
    for (const name of [funnelCounter(funnel, step), ...segments.map((segment) => funnelCounter(funnel, step, segment))]) {
      counts[name] = (counts[name] ?? 0) + 1;
    }
  }
  return byDay;
};
