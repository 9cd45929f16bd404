/**
 * The history store's contract (`history/store/`) and the rollup over it (`history/roll-up.ts`):
 * the same cases on SQLite (better-sqlite3, as Strapi's default) and on a private PostgreSQL, each
 * through knex as Strapi's `strapi.db.connection` is. The live side is the embedded memory store
 * (the rollup reads Redis only through the capability stores, whose drivers have their own
 * contract); a "flush" is a fresh one.
 */
import fs from 'fs';
import os from 'os';
import path from 'path';
import knexFactory, { type Knex } from 'knex';
import { experimentHistory } from '../../../server/src/history/experiment-history';
import type { HistoryWrite } from '../../../server/src/history/history-rows';
import { mergeCountsByDay } from '../../../server/src/history/merge-counts';
import { rollUp, type LiveFigures } from '../../../server/src/history/roll-up';
import type { ExperimentState } from '../../../server/src/history/rollup-experiments';
import { HISTORY_TABLES, KnexHistoryStore } from '../../../server/src/history/store/knex-history-store';
import { memoryStores, type Stores } from '../../../server/src/store/create-stores';
import { startPostgres, type PrivatePostgres } from '../../helpers/postgres-server';
import { DAY, NOW, SETTINGS, newVisitor } from './drivers';

const TODAY = Math.floor(NOW / DAY);
const YESTERDAY = TODAY - 1;
const DAY_BEFORE = TODAY - 2;

type Database = 'sqlite' | 'postgres';

let postgres: PrivatePostgres;
const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'psn-history-'));
let databaseCounter = 0;
const open: Knex[] = [];

/** A new, empty database of that kind, through knex as Strapi configures it. */
const newDatabase = async (database: Database): Promise<Knex> => {
  let knex: Knex;
  if (database === 'sqlite') {
    knex = knexFactory({ client: 'better-sqlite3', connection: { filename: path.join(tmp, `history-${++databaseCounter}.db`) }, useNullAsDefault: true });
  } else {
    const name = `history_${++databaseCounter}`;
    await postgres.query(`CREATE DATABASE ${name}`);
    knex = knexFactory({ client: 'pg', connection: { host: '127.0.0.1', port: postgres.port, user: 'postgres', database: name }, pool: { min: 0, max: 4 } });
  }
  open.push(knex);
  return knex;
};

beforeAll(async () => {
  postgres = await startPostgres({ database: 'postgres_contract' });
});

afterAll(async () => {
  await Promise.all(open.map((knex) => knex.destroy()));
  await postgres?.stop();
  fs.rmSync(tmp, { recursive: true, force: true });
});

/** Every row of every history table, in a stable order: what "the same rows" means. */
const allRows = async (knex: Knex) =>
  Object.fromEntries(
    await Promise.all(
      Object.values(HISTORY_TABLES).map(async (table) => {
        const rows = (await knex(table).select('*')) as Record<string, unknown>[];
        const normalized = rows.map((row) => Object.fromEntries(Object.entries(row).map(([key, value]) => [key, typeof value === 'boolean' ? Number(value) : String(value)])));
        return [table, normalized.sort((a, b) => JSON.stringify(a).localeCompare(JSON.stringify(b)))];
      })
    )
  );

/** The live figures of memory stores, as the plugin's history service reads Redis. */
const liveOf = (stores: () => Stores, segments: string[], experiments: ExperimentState[]): LiveFigures => ({
  readStats: (fromDay, toDay) => stores().analytics.readStats(fromDay, toDay),
  countActiveVisitors: (days) => stores().analytics.countActiveVisitors(days),
  segmentSlugs: async () => segments,
  segmentSizeHistory: (segment, fromDay, toDay) => stores().membership.segmentSizeHistory(segment, fromDay, toDay),
  experiments: async () => experiments,
  experimentDaily: async (experiment) => (await stores().experiments.experimentCounters(experiment)).daily,
});

describe.each<[Database]>([['sqlite'], ['postgres']])('%s', (database) => {
  let knex: Knex;
  let history: KnexHistoryStore;

  beforeEach(async () => {
    knex = await newDatabase(database);
    history = new KnexHistoryStore(knex);
    await history.ensureTables();
  });

  it('creates its tables once, also when two instances boot at the same moment', async () => {
    const fresh = await newDatabase(database);
    await Promise.all([new KnexHistoryStore(fresh).ensureTables(), new KnexHistoryStore(fresh).ensureTables()]);
    await new KnexHistoryStore(fresh).ensureTables();
    for (const table of Object.values(HISTORY_TABLES)) expect(await fresh.schema.hasTable(table)).toBe(true);
  });

  it('writes rows and reads them back; a row written again replaces the stored one', async () => {
    const rows: HistoryWrite = {
      days: [
        { day: DAY_BEFORE, activeVisitors: 3, final: true },
        { day: YESTERDAY, activeVisitors: 5, final: false },
      ],
      counters: [
        { day: DAY_BEFORE, name: 'events:page', value: 4 },
        { day: YESTERDAY, name: 'events:page', value: 10 },
        { day: YESTERDAY, name: 'served:abc', value: 3_000_000_000 },
      ],
      segmentSizes: [
        { segment: 'readers', day: YESTERDAY, size: 7 },
        { segment: 'buyers', day: YESTERDAY, size: 1 },
      ],
      experimentCounters: [
        { experiment: 'exp1', day: YESTERDAY, metric: 'visitors', goal: null, arm: 'control', value: 5 },
        { experiment: 'exp1', day: YESTERDAY, metric: 'converted', goal: 'primary', arm: 'control', value: 2 },
        { experiment: 'exp1', day: YESTERDAY, metric: 'conversions', goal: 'primary', arm: 'control', value: 3 },
        { experiment: 'exp2', day: DAY_BEFORE, metric: 'visitors', goal: null, arm: 'b', value: 1 },
      ],
    };
    await history.write(rows);
    await history.write({ ...rows, counters: [{ day: YESTERDAY, name: 'events:page', value: 11 }], days: [{ day: YESTERDAY, activeVisitors: 6, final: true }] });

    expect(await history.finalDays(DAY_BEFORE)).toEqual(new Set([DAY_BEFORE, YESTERDAY]));
    expect(await history.finalDays(YESTERDAY)).toEqual(new Set([YESTERDAY]));
    expect(await history.readDays(DAY_BEFORE, TODAY)).toEqual({
      activeVisitors: { [DAY_BEFORE]: 3, [YESTERDAY]: 6 },
      counters: { [DAY_BEFORE]: { 'events:page': 4 }, [YESTERDAY]: { 'events:page': 11, 'served:abc': 3_000_000_000 } },
    });
    expect(await history.readDays(YESTERDAY, YESTERDAY)).toMatchObject({ activeVisitors: { [YESTERDAY]: 6 } });
    expect(await history.readSegmentSizes(['readers', 'other'], DAY_BEFORE, TODAY)).toEqual({ readers: { [YESTERDAY]: 7 } });
    expect(await history.readSegmentSizes([], DAY_BEFORE, TODAY)).toEqual({});
    expect(await history.readExperiments(['exp1', 'exp3'])).toEqual({
      exp1: { [`${YESTERDAY}|v|control`]: 5, [`${YESTERDAY}|cv|primary|control`]: 2, [`${YESTERDAY}|ct|primary|control`]: 3 },
    });
    expect(await history.experimentsWithHistory()).toEqual(new Set(['exp1', 'exp2']));

    await history.forgetSegment('readers');
    await history.forgetExperiment('exp1');
    expect(await history.readSegmentSizes(['readers', 'buyers'], DAY_BEFORE, TODAY)).toEqual({ buyers: { [YESTERDAY]: 1 } });
    expect(await history.experimentsWithHistory()).toEqual(new Set(['exp2']));
  });

  it('writes a large rollup in one transaction, in batches', async () => {
    const counters = Array.from({ length: 1_234 }, (_, i) => ({ day: YESTERDAY, name: `served:variant-${i}`, value: i }));
    await history.write({ days: [{ day: YESTERDAY, activeVisitors: 1, final: true }], counters, segmentSizes: [], experimentCounters: [] });
    const { counters: read } = await history.readDays(YESTERDAY, YESTERDAY);
    expect(Object.keys(read[YESTERDAY])).toHaveLength(1_234);
    expect(read[YESTERDAY]['served:variant-1233']).toBe(1_233);
  });

  it('writes nothing of a rollup whose write fails part way', async () => {
    const counters = Array.from({ length: 600 }, (_, i) => ({ day: YESTERDAY, name: `n${i}`, value: i }));
    // Segment sizes are written after the counters (two batches of them): a size the NOT NULL column refuses.
    const segmentSizes = [{ segment: 'readers', day: YESTERDAY, size: null as unknown as number }];
    // Matched by message, not `toThrow()`: better-sqlite3 registers its error class with the native addon
    // once per process, so after another suite loaded it the error belongs to that suite's realm and
    // is no `Error` of this one.
    await expect(history.write({ days: [{ day: YESTERDAY, activeVisitors: 1, final: true }], counters, segmentSizes, experimentCounters: [] })).rejects.toHaveProperty(
      'message',
      expect.stringMatching(/not[- ]null/i)
    );
    expect(await history.readDays(YESTERDAY, YESTERDAY)).toEqual({ activeVisitors: {}, counters: {} });
  });

  describe('rollup', () => {
    let live: Stores;
    const experiments: ExperimentState[] = [{ id: 'exp-live', status: 'running', stoppedAt: null }];
    const liveFigures = () => liveOf(() => live, ['readers', 'buyers'], experiments);

    /** Yesterday's and today's activity, written through the stores as the plugin writes it. */
    const produceActivity = async () => {
      live = memoryStores();
      const [a, b, c] = [newVisitor(), newVisitor(), newVisitor()];
      for (const visitor of [a, b, c]) await live.profiles.applyUpdates(visitor, [{ ts: NOW - DAY, incr: { pv: 1 } }], SETTINGS, NOW - DAY);
      await live.analytics.incrementStats(YESTERDAY, { 'events:page': 12, 'events:track': 3, 'served:variant-1': 8, 'clicked:variant-1': 2 });
      await live.analytics.incrementStats(TODAY, { 'events:page': 4 });
      await live.analytics.addActiveVisitors(YESTERDAY, [a, b, c]);
      await live.analytics.addActiveVisitors(TODAY, [a]);
      await live.membership.recordSegmentSizes(YESTERDAY, { readers: 3, buyers: 1 });
      await live.membership.recordSegmentSizes(TODAY, { readers: 2 });
      await live.experiments.recordExposure(a, 'exp-live', 'control', NOW - DAY, 3600);
      await live.experiments.recordExposure(b, 'exp-live', 'b', NOW - DAY, 3600);
      await live.experiments.recordConversion(b, 'exp-live', 'b', 'primary', NOW - DAY, 3600);
      await live.experiments.recordExposure(c, 'exp-live', 'b', NOW, 3600);
    };

    it('rolls the finished days up, writes nothing on a re-run, and keeps everything through a flush', async () => {
      await produceActivity();
      const first = await rollUp(liveFigures(), history, NOW);
      expect(first).toMatchObject({ days: 400, experiments: 1, written: { days: 400, counters: 4, segmentSizes: 2, experimentCounters: 4 } });
      const rows = await allRows(knex);
      expect(rows[HISTORY_TABLES.counters]).toHaveLength(4);

      const again = await rollUp(liveFigures(), history, NOW);
      // Final days are not read again; yesterday (if not final yet) is read and found unchanged.
      expect(again.written).toEqual({ days: 0, counters: 0, segmentSizes: 0, experimentCounters: 0 });
      expect(await allRows(knex)).toEqual(rows);

      live = memoryStores(); // FLUSHALL
      await rollUp(liveFigures(), history, NOW);
      expect(await allRows(knex)).toEqual(rows);

      // What the admin reads after the flush: yesterday from history, today from Redis (empty now).
      const stored = await history.readDays(DAY_BEFORE, TODAY);
      expect(mergeCountsByDay(stored.counters, await live.analytics.readStats(DAY_BEFORE, TODAY))).toEqual({
        [YESTERDAY]: { 'events:page': 12, 'events:track': 3, 'served:variant-1': 8, 'clicked:variant-1': 2 },
      });
      expect(stored.activeVisitors[YESTERDAY]).toBe(3);
      expect(await history.readSegmentSizes(['readers', 'buyers'], YESTERDAY, YESTERDAY)).toEqual({ readers: { [YESTERDAY]: 3 }, buyers: { [YESTERDAY]: 1 } });
      const { 'exp-live': storedExperiment } = await history.readExperiments(['exp-live']);
      expect(experimentHistory(storedExperiment, (await live.experiments.experimentCounters('exp-live')).daily).totals).toEqual({
        'v|control': 1,
        'v|b': 1,
        'ct|primary|b': 1,
        'cv|primary|b': 1,
      });
    });

    it('rolls up again a day that changed before it was final, and a late conversion of an older day', async () => {
      await produceActivity();
      const tenPastMidnight = TODAY * DAY + 600;
      await rollUp(liveFigures(), history, tenPastMidnight);
      expect((await history.finalDays(YESTERDAY)).has(YESTERDAY)).toBe(false);
      // One instance's buffer flushed late; a backdated goal event two days after the exposure.
      await live.analytics.incrementStats(YESTERDAY, { 'events:page': 1 });
      await live.experiments.recordConversion(newVisitor(), 'exp-live', 'control', 'primary', (DAY_BEFORE - 5) * DAY, 3600);
      const report = await rollUp(liveFigures(), history, TODAY * DAY + 7_200);
      expect(report.written).toEqual({ days: 1, counters: 1, segmentSizes: 0, experimentCounters: 2 });
      expect((await history.readDays(YESTERDAY, YESTERDAY)).counters[YESTERDAY]['events:page']).toBe(13);
      expect(await history.finalDays(YESTERDAY)).toEqual(new Set([YESTERDAY]));
      expect(Object.keys((await history.readExperiments(['exp-live']))['exp-live'])).toContain(`${DAY_BEFORE - 5}|ct|primary|control`);
    });
  });
});
