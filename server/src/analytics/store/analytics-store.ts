/**
 * Site-wide figures for analytics and the rule builders: daily counters, visitors active per day
 * (approximately), names seen in events. Two drivers (`redis-analytics-store.ts`,
 * `memory-analytics-store.ts`) held to the same contract by
 * `tests/integration/store-contract/analytics.test.ts`.
 */

/** Daily counters of the whole site (events by type, bots, ...). */
export type StatsCounts = Record<string, number>;

export interface AnalyticsStore {
  incrementStats(day: number, counts: StatsCounts): Promise<void>;
  readStats(fromDay: number, toDay: number): Promise<Record<number, StatsCounts>>;
  /** Visitors active on a day, counted approximately (HyperLogLog: 12 KB per day whatever the traffic). */
  addActiveVisitors(day: number, visitorIds: string[]): Promise<void>;
  countActiveVisitors(days: number[]): Promise<Record<number, number>>;
  /** Names seen in events, per family (events, categories, topics, pages, traits): for rule builders. */
  addSeenNames(family: string, names: string[]): Promise<void>;
  seenNames(family: string, limit: number): Promise<string[]>;
}
