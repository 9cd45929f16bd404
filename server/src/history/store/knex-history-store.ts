import type { Knex } from 'knex';
import { experimentCounterName } from '../../experiments/store/experiment-store';
import { dateOfDay, dayOfDate } from '../../shared/utc-date';
import { KEY_WIDTH, NAME_WIDTH, type Figures, type HistoryWrite } from '../history-rows';
import type { HistoryStore } from './history-store';

/** The plugin's own tables (not content types: Strapi leaves tables it never created alone). */
export const HISTORY_TABLES = {
  days: 'psn_history_days',
  counters: 'psn_history_counters',
  segmentSizes: 'psn_history_segment_sizes',
  experimentCounters: 'psn_history_experiment_counters',
} as const;

const DATE_WIDTH = 10;
/** Rows per INSERT: well under SQLite's and PostgreSQL's limits on bound parameters. */
const ROWS_PER_INSERT = 500;

const TABLES: [string, (table: Knex.CreateTableBuilder) => void][] = [
  [
    HISTORY_TABLES.days,
    (table) => {
      table.string('day', DATE_WIDTH).primary();
      table.bigInteger('active_visitors').notNullable().defaultTo(0);
      table.boolean('final').notNullable().defaultTo(false);
    },
  ],
  [
    HISTORY_TABLES.counters,
    (table) => {
      table.string('day', DATE_WIDTH).notNullable();
      table.string('name', NAME_WIDTH).notNullable();
      table.bigInteger('value').notNullable();
      table.primary(['day', 'name']);
    },
  ],
  [
    HISTORY_TABLES.segmentSizes,
    (table) => {
      table.string('segment', KEY_WIDTH).notNullable();
      table.string('day', DATE_WIDTH).notNullable();
      table.bigInteger('size').notNullable();
      table.primary(['segment', 'day']);
    },
  ],
  [
    HISTORY_TABLES.experimentCounters,
    (table) => {
      table.string('experiment', KEY_WIDTH).notNullable();
      table.string('day', DATE_WIDTH).notNullable();
      table.string('arm', KEY_WIDTH).notNullable();
      /** Empty for `visitors` (a primary key column cannot be null). */
      table.string('goal', KEY_WIDTH).notNullable();
      /** `visitors` (first exposed), `converted` (visitors who met the goal), `conversions` (all of them). */
      table.string('metric', 16).notNullable();
      table.bigInteger('value').notNullable();
      table.primary(['experiment', 'day', 'arm', 'goal', 'metric']);
    },
  ],
];

/** PostgreSQL returns bigint columns as strings. */
const count = (value: unknown): number => Number(value);

/** `dayOfDate` once per distinct date of a result (thousands of rows share a few dozen). */
const dayReader = () => {
  const days = new Map<string, number>();
  return (date: string): number => {
    let day = days.get(date);
    if (day === undefined) days.set(date, (day = dayOfDate(date)));
    return day;
  };
};

interface CounterRecord {
  day: string;
  name: string;
  value: string | number;
}

interface ExperimentRecord {
  experiment: string;
  day: string;
  arm: string;
  goal: string;
  metric: 'visitors' | 'converted' | 'conversions';
  value: string | number;
}

/** A stored row's counter, named as the experiment store names it. */
const counterName = (row: ExperimentRecord): string =>
  experimentCounterName(row.metric === 'visitors' ? { metric: row.metric, goal: null, arm: row.arm } : { metric: row.metric, goal: row.goal, arm: row.arm });

/** History over a knex connection (Strapi's, `strapi.db.connection`): SQLite and PostgreSQL. */
export class KnexHistoryStore implements HistoryStore {
  constructor(private readonly knex: Knex) {}

  async ensureTables(): Promise<void> {
    for (const [name, build] of TABLES) {
      if (await this.knex.schema.hasTable(name)) continue;
      try {
        await this.knex.schema.createTable(name, build);
      } catch (error) {
        // Another instance booting at the same moment created it first.
        if (!(await this.knex.schema.hasTable(name))) throw error;
      }
    }
  }

  async finalDays(fromDay: number): Promise<Set<number>> {
    const rows: { day: string }[] = await this.knex(HISTORY_TABLES.days).select('day').where('day', '>=', dateOfDay(fromDay)).andWhere('final', true);
    return new Set(rows.map((row) => dayOfDate(row.day)));
  }

  async readDays(fromDay: number, toDay: number): Promise<Pick<Figures, 'activeVisitors' | 'counters'>> {
    const range: [string, string] = [dateOfDay(fromDay), dateOfDay(toDay)];
    const [days, counters] = await Promise.all([
      this.knex(HISTORY_TABLES.days).select('day', 'active_visitors').whereBetween('day', range) as Promise<{ day: string; active_visitors: string | number }[]>,
      this.knex(HISTORY_TABLES.counters).select('day', 'name', 'value').whereBetween('day', range) as Promise<CounterRecord[]>,
    ]);
    const figures: Pick<Figures, 'activeVisitors' | 'counters'> = { activeVisitors: {}, counters: {} };
    const dayOf = dayReader();
    for (const row of days) figures.activeVisitors[dayOf(row.day)] = count(row.active_visitors);
    for (const row of counters) (figures.counters[dayOf(row.day)] ??= {})[row.name] = count(row.value);
    return figures;
  }

  async readSegmentSizes(segments: readonly string[], fromDay: number, toDay: number): Promise<Figures['segmentSizes']> {
    if (segments.length === 0) return {};
    const rows: { segment: string; day: string; size: string | number }[] = await this.knex(HISTORY_TABLES.segmentSizes)
      .select('segment', 'day', 'size')
      .whereIn('segment', [...segments])
      .whereBetween('day', [dateOfDay(fromDay), dateOfDay(toDay)]);
    const sizes: Figures['segmentSizes'] = {};
    const dayOf = dayReader();
    for (const row of rows) (sizes[row.segment] ??= {})[dayOf(row.day)] = count(row.size);
    return sizes;
  }

  async readExperiments(experiments: readonly string[]): Promise<Figures['experiments']> {
    if (experiments.length === 0) return {};
    const rows: ExperimentRecord[] = await this.knex(HISTORY_TABLES.experimentCounters)
      .select('experiment', 'day', 'arm', 'goal', 'metric', 'value')
      .whereIn('experiment', [...experiments]);
    const counters: Figures['experiments'] = {};
    const dayOf = dayReader();
    for (const row of rows) (counters[row.experiment] ??= {})[`${dayOf(row.day)}|${counterName(row)}`] = count(row.value);
    return counters;
  }

  async experimentsWithHistory(): Promise<Set<string>> {
    const rows: { experiment: string }[] = await this.knex(HISTORY_TABLES.experimentCounters).distinct('experiment');
    return new Set(rows.map((row) => row.experiment));
  }

  async write(rows: HistoryWrite): Promise<void> {
    const upserts: [string, string[], Record<string, unknown>[]][] = [
      [HISTORY_TABLES.counters, ['day', 'name'], rows.counters.map((row) => ({ day: dateOfDay(row.day), name: row.name, value: row.value }))],
      [HISTORY_TABLES.segmentSizes, ['segment', 'day'], rows.segmentSizes.map((row) => ({ segment: row.segment, day: dateOfDay(row.day), size: row.size }))],
      [
        HISTORY_TABLES.experimentCounters,
        ['experiment', 'day', 'arm', 'goal', 'metric'],
        rows.experimentCounters.map((row) => ({ experiment: row.experiment, day: dateOfDay(row.day), arm: row.arm, goal: row.goal ?? '', metric: row.metric, value: row.value })),
      ],
      // Days last: a day is marked final only together with its figures.
      [HISTORY_TABLES.days, ['day'], rows.days.map((row) => ({ day: dateOfDay(row.day), active_visitors: row.activeVisitors, final: row.final }))],
    ];
    if (upserts.every(([, , records]) => records.length === 0)) return;
    await this.knex.transaction(async (trx) => {
      for (const [table, key, records] of upserts) {
        for (let i = 0; i < records.length; i += ROWS_PER_INSERT) {
          await trx(table).insert(records.slice(i, i + ROWS_PER_INSERT)).onConflict(key).merge();
        }
      }
    });
  }

  async forgetSegment(segment: string): Promise<void> {
    await this.knex(HISTORY_TABLES.segmentSizes).where({ segment }).delete();
  }

  async forgetExperiment(experiment: string): Promise<void> {
    await this.knex(HISTORY_TABLES.experimentCounters).where({ experiment }).delete();
  }
}
