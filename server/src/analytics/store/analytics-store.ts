/**
 * Site-wide figures for analytics and the rule builders: daily counters, visitors active per day
 * (approximately), names seen in events. Two drivers (`redis-analytics-store.ts`,
 * `memory-analytics-store.ts`) held to the same contract by
 * `tests/integration/store-contract/analytics.test.ts`.
 */

/** Daily counters of the whole site (events by type, bots, ...). */
export type StatsCounts = Record<string, number>;

/**
 * Which flush a write of counters is: a writer (one process's stats buffer) numbers its flushes and
 * sends them in order, so that a flush sent again after its reply was lost (Redis stalled past the
 * command timeout, a connection dropped after the write) is recognised and not counted twice.
 */
export interface StatsFlush {
  writer: string;
  seq: number;
}

export interface AnalyticsStore {
  /**
   * Adds `counts` to a day's counters. With `flush`, only if no flush of that writer with this
   * `seq` or a later one was applied to that day: resending a flush counts it once.
   */
  incrementStats(day: number, counts: StatsCounts, flush?: StatsFlush): Promise<void>;
  readStats(fromDay: number, toDay: number): Promise<Record<number, StatsCounts>>;
  /** Visitors active on a day, counted approximately (HyperLogLog: 12 KB per day whatever the traffic). */
  addActiveVisitors(day: number, visitorIds: string[]): Promise<void>;
  countActiveVisitors(days: number[]): Promise<Record<number, number>>;
  /** Names seen in events, per family (events, categories, topics, pages, traits): for rule builders. */
  addSeenNames(family: string, names: string[]): Promise<void>;
  seenNames(family: string, limit: number): Promise<string[]>;
}
