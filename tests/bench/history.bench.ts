/**
 * What reporting history costs: a site with 50 segments, 20 running experiments of 3 arms and 2
 * goals, 200 variants, 20 triggers and 90 days of figures in a private Redis, rolled up through
 * knex into SQLite (as Strapi's default) and into a private PostgreSQL (when its server is
 * installed). Measured, each against a baseline taken in the same run (reading the same figures from
 * Redis alone, which every rollup has to do anyway):
 * - the first rollup of an existing site (400 days looked at, 90 with figures: the backfill);
 * - a re-run (nothing changed: nothing written);
 * - the hourly rollup of a new day (the day's figures, the experiments' new buckets);
 * - what the admin's reads add: 30 days of analytics and one experiment's results, history merged
 *   with Redis vs Redis alone.
 */
import fs from 'fs';
import os from 'os';
import path from 'path';
import { performance } from 'perf_hooks';
import knexFactory, { type Knex } from 'knex';
import { experimentHistory } from '../../server/src/history/experiment-history';
import { mergeCountsByDay } from '../../server/src/history/merge-counts';
import { rollUp, type LiveFigures } from '../../server/src/history/roll-up';
import { KnexHistoryStore } from '../../server/src/history/store/knex-history-store';
import { redisStores, type Stores } from '../../server/src/store/create-stores';
import { RedisConnection } from '../../server/src/store/redis/redis-connection';
import { postgresBinDir, startPostgres, type PrivatePostgres } from '../helpers/postgres-server';
import { startRedis } from '../helpers/redis-server';
import { fixed, report } from './lib/harness';

const DAY = 86_400;
const TODAY = Math.floor(Date.now() / 1000 / DAY);
const DAYS_OF_FIGURES = 90;
const ROUNDS = 3;
const SEGMENTS = Array.from({ length: 50 }, (_, i) => `segment-${i}`);
const EXPERIMENTS = Array.from({ length: 20 }, (_, i) => `experiment${String(i).padStart(14, '0')}`);
const ARMS = ['control', 'b', 'c'];
const GOALS = ['primary', 'secondary-1'];
const VARIANTS = Array.from({ length: 200 }, (_, i) => `variant${String(i).padStart(17, '0')}`);
const TRIGGERS = Array.from({ length: 20 }, (_, i) => `trigger-${i}`);

let seed = 7;
const random = () => ((seed = (seed * 16807) % 2147483647) - 1) / 2147483646;
const some = (max: number) => 1 + Math.floor(random() * max);

/** A day's site counters as a busy site's stats hash holds them (about 760 names). */
const dayCounters = (): Record<string, number> => ({
  ...Object.fromEntries(['page', 'screen', 'track', 'identify', 'alias', 'group'].map((type) => [`events:${type}`, some(50_000)])),
  duplicates: some(500),
  bots: some(2_000),
  degraded: some(20),
  ...Object.fromEntries(VARIANTS.flatMap((variant) => [[`served:${variant}`, some(5_000)], [`clicked:${variant}`, some(300)]])),
  ...Object.fromEntries(['cf-v1', 'topic-v1', 'popular-v1'].flatMap((strategy) => [[`rec-served:${strategy}`, some(9_000)], [`rec-clicked:${strategy}`, some(900)]])),
  ...Object.fromEntries(SEGMENTS.flatMap((segment) => [[`segment:${segment}:entered`, some(400)], [`segment:${segment}:left`, some(300)]])),
  ...Object.fromEntries(TRIGGERS.flatMap((trigger) => ['fired', 'cooldown', 'rate-limited', 'duplicate', 'delivered', 'dead'].map((outcome) => [`trigger:${trigger}:${outcome}`, some(100)]))),
});

/** One day of figures, written through the stores as the plugin writes them. */
const writeDay = async (stores: Stores, day: number) => {
  await stores.analytics.incrementStats(day, dayCounters());
  await stores.analytics.addActiveVisitors(day, Array.from({ length: 2_000 }, (_, i) => `visitor-${day}-${i}`));
  await stores.membership.recordSegmentSizes(day, Object.fromEntries(SEGMENTS.map((segment) => [segment, some(10_000)])));
};

/** Experiments' daily buckets, written as the experiment store writes them (HINCRBY on `:daily`). */
const writeExperimentDay = async (connection: RedisConnection, day: number) => {
  const pipeline = connection.client.pipeline();
  for (const experiment of EXPERIMENTS) {
    const key = `${connection.keyPrefix}exp:{${experiment}}:daily`;
    for (const arm of ARMS) {
      pipeline.hincrby(key, `${day}|v|${arm}`, some(500));
      for (const goal of GOALS) pipeline.hincrby(key, `${day}|cv|${goal}|${arm}`, some(50)).hincrby(key, `${day}|ct|${goal}|${arm}`, some(80));
    }
  }
  await pipeline.exec();
};

const liveOf = (stores: Stores): LiveFigures => ({
  readStats: (fromDay, toDay) => stores.analytics.readStats(fromDay, toDay),
  countActiveVisitors: (days) => stores.analytics.countActiveVisitors(days),
  segmentSlugs: async () => SEGMENTS,
  segmentSizeHistory: (segment, fromDay, toDay) => stores.membership.segmentSizeHistory(segment, fromDay, toDay),
  experiments: async () => EXPERIMENTS.map((id) => ({ id, status: 'running' as const, stoppedAt: null })),
  experimentDaily: async (experiment) => (await stores.experiments.experimentCounters(experiment)).daily,
});

/** What a rollup reads from Redis, alone: the baseline. */
const readLive = async (live: LiveFigures, days: number[]) => {
  const [from, to] = [days[0], days[days.length - 1]];
  await Promise.all([
    live.readStats(from, to),
    live.countActiveVisitors(days),
    ...SEGMENTS.map((segment) => live.segmentSizeHistory(segment, from, to)),
    ...EXPERIMENTS.map((experiment) => live.experimentDaily(experiment)),
  ]);
};

const timed = async (run: () => Promise<unknown>): Promise<number> => {
  const started = performance.now();
  await run();
  return performance.now() - started;
};

const median = (values: number[]) => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)];

const main = async () => {
  const redis = await startRedis();
  const connection = new RedisConnection({ url: redis.url, commandTimeoutMs: 10_000 }, 'psn:');
  await connection.connect(2_000);
  const stores = redisStores(connection);
  const live = liveOf(stores);
  for (let day = TODAY - DAYS_OF_FIGURES; day < TODAY; day++) {
    await writeDay(stores, day);
    await writeExperimentDay(connection, day);
  }
  const statsFields = await redis.client.hlen(`psn:stats:${TODAY - 1}`);

  const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'psn-history-bench-'));
  let postgres: PrivatePostgres | undefined;
  const databases: [string, () => Promise<Knex>][] = [
    ['SQLite', async () => knexFactory({ client: 'better-sqlite3', connection: { filename: path.join(tmp, `bench-${random()}.db`) }, useNullAsDefault: true })],
  ];
  if (postgresBinDir()) {
    postgres = await startPostgres({ database: 'history_bench' });
    let n = 0;
    databases.push([
      'PostgreSQL',
      async () => {
        const name = `bench_${++n}`;
        await postgres!.query(`CREATE DATABASE ${name}`);
        return knexFactory({ client: 'pg', connection: { host: '127.0.0.1', port: postgres!.port, user: 'postgres', database: name } });
      },
    ]);
  }

  console.log(`\nreporting history: ${DAYS_OF_FIGURES} days of figures in Redis (${statsFields} site counters a day, 50 segments, 20 experiments × 3 arms × 2 goals)`);
  const allDays = Array.from({ length: 400 }, (_, i) => TODAY - 400 + i);
  for (const [name, open] of databases) {
    // Three fresh databases: the backfill, then a re-run, then the next day's rollup, each timed.
    const backfill: number[] = [];
    const rerun: number[] = [];
    const nextDay: number[] = [];
    const baselineBackfill: number[] = [];
    const baselineDay: number[] = [];
    let written = { days: 0, counters: 0, segmentSizes: 0, experimentCounters: 0 };
    let nextWritten = written;
    for (let round = 0; round < ROUNDS; round++) {
      const knex = await open();
      const history = new KnexHistoryStore(knex);
      await history.ensureTables();
      baselineBackfill.push(await timed(() => readLive(live, allDays)));
      const now = TODAY * DAY + 7_200;
      backfill.push(
        await timed(async () => {
          written = (await rollUp(live, history, now)).written;
        })
      );
      rerun.push(await timed(() => rollUp(live, history, now)));
      // The next day: its figures written, then the rollup an hour after its end.
      await writeDay(stores, TODAY);
      await writeExperimentDay(connection, TODAY);
      baselineDay.push(await timed(() => readLive(live, [TODAY])));
      nextDay.push(
        await timed(async () => {
          nextWritten = (await rollUp(live, history, (TODAY + 1) * DAY + 7_200)).written;
        })
      );
      await redis.client.del(`psn:stats:${TODAY}`, `psn:active:${TODAY}`);
      await Promise.all(SEGMENTS.map((segment) => redis.client.hdel(`psn:seg:${segment}:sizes`, String(TODAY))));
      await Promise.all(
        EXPERIMENTS.map(async (experiment) => {
          const key = `psn:exp:{${experiment}}:daily`;
          const fields = (await redis.client.hkeys(key)).filter((field) => field.startsWith(`${TODAY}|`));
          if (fields.length) await redis.client.hdel(key, ...fields);
        })
      );

      if (round === ROUNDS - 1) {
        // The admin's reads: 30 days of analytics, one experiment's results; merged vs Redis alone.
        const from = TODAY - 30;
        const merged: number[] = [];
        const redisOnly: number[] = [];
        for (let i = 0; i < 30; i++) {
          redisOnly.push(await timed(() => Promise.all([stores.analytics.readStats(from, TODAY), stores.experiments.experimentCounters(EXPERIMENTS[0])])));
          merged.push(
            await timed(async () => {
              const [counters, stored, experiment, storedExperiment] = await Promise.all([
                stores.analytics.readStats(from, TODAY),
                history.readDays(from, TODAY),
                stores.experiments.experimentCounters(EXPERIMENTS[0]),
                history.readExperiments([EXPERIMENTS[0]]),
              ]);
              mergeCountsByDay(stored.counters, counters);
              experimentHistory(storedExperiment[EXPERIMENTS[0]], experiment.daily);
            })
          );
        }
        report(`${name}: admin reads, Redis alone (ms, median of 30) — baseline`, fixed(median(redisOnly), 1));
        report(`${name}: admin reads with history merged (ms)`, `${fixed(median(merged), 1)} (${fixed(median(merged) / median(redisOnly), 2)}×)`);
      }
      await knex.destroy();
    }
    report(`${name}: reading 400 days from Redis alone (ms) — baseline`, fixed(median(baselineBackfill), 0));
    report(
      `${name}: first rollup, 400 days / ${written.counters + written.segmentSizes + written.experimentCounters + written.days} rows (ms)`,
      `${fixed(median(backfill), 0)} (${fixed(median(backfill) / median(baselineBackfill), 1)}×)`
    );
    report(`${name}: re-run, nothing changed (ms)`, `${fixed(median(rerun), 0)} (${fixed(median(rerun) / median(baselineBackfill), 2)}×)`);
    report(`${name}: reading one day from Redis alone (ms) — baseline`, fixed(median(baselineDay), 1));
    report(
      `${name}: the next day's rollup, ${nextWritten.counters} counters + ${nextWritten.segmentSizes} sizes + ${nextWritten.experimentCounters} experiment rows (ms)`,
      `${fixed(median(nextDay), 1)} (${fixed(median(nextDay) / median(baselineDay), 1)}×)`
    );
  }

  await connection.close();
  await redis.stop();
  await postgres?.stop();
  fs.rmSync(tmp, { recursive: true, force: true });
};

main().catch((error) => {
  console.error(error);
  process.exit(1);
});
