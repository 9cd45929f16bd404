import type { Figures, HistoryWrite } from '../history-rows';

/**
 * Reporting history in the app's database: daily figures rolled up from Redis, so that they
 * outlive it (a flush, a lost node, key expiry). One driver, `knex-history-store.ts`, over
 * Strapi's own connection, held to its contract on SQLite and PostgreSQL by
 * `tests/integration/store-contract/history.test.ts`. Aggregates only: no visitor id is stored.
 */
export interface HistoryStore {
  /** Creates the tables that are missing (at bootstrap); safe when another instance does it at the same time. */
  ensureTables(): Promise<void>;
  /** Days from `fromDay` on that history holds as final. */
  finalDays(fromDay: number): Promise<Set<number>>;
  /** Active visitors and site counters of the days from `fromDay` to `toDay` that history holds. */
  readDays(fromDay: number, toDay: number): Promise<Pick<Figures, 'activeVisitors' | 'counters'>>;
  /** Segment slug -> day -> size, from `fromDay` to `toDay`. */
  readSegmentSizes(segments: readonly string[], fromDay: number, toDay: number): Promise<Figures['segmentSizes']>;
  /** Experiment id -> `<day>|<counter>` -> count, every day held. */
  readExperiments(experiments: readonly string[]): Promise<Figures['experiments']>;
  /** Experiments history holds counters of. */
  experimentsWithHistory(): Promise<Set<string>>;
  /** Upserts every row in one transaction: a row written again replaces the one stored. */
  write(rows: HistoryWrite): Promise<void>;
  /** Drops a deleted segment's sizes (a segment made again with its slug starts from nothing, as in Redis). */
  forgetSegment(segment: string): Promise<void>;
  forgetExperiment(experiment: string): Promise<void>;
}
