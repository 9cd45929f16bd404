/**
 * The co-engagement store under a realistic load: 10,000 items and 100,000 visitors' co-engagement
 * in a private Redis (recorded through `record`, the way ingest flushes it). Measured against
 * baselines in the same run, alternating, medians of the rounds:
 * - one recommendation's reads (history, then neighbours of its items + popularity site-wide and in
 *   a segment, then the pure `recommend`) vs one HGETALL of a typical profile hash, p50/p99 at one
 *   and at 16 concurrent requests;
 * - ingest at the store: 20-event batches applied by the profile store's script, with and without
 *   each batch's engagements handed to `CoEngagementWrites` (flushed every 250 ms), 32 concurrent;
 * - `record` itself: one visitor's batch, and a flush of 200 visitors.
 * Target of issue 13: a recommendation's p99 under 20 ms; ingest within 10 % of without.
 */
import { Redis } from 'ioredis';
import { CoEngagementWrites } from '../../server/src/recommendations/co-engagement-writes';
import { recommend } from '../../server/src/recommendations/recommend';
import { RedisCoEngagementStore } from '../../server/src/recommendations/store/redis-co-engagement-store';
import type { VisitorEngagements } from '../../server/src/recommendations/co-engagement-batch';
import type { EventUpdate } from '../../server/src/store/profile-store';
import { RedisConnection } from '../../server/src/store/redis/redis-connection';
import { RedisProfileStore } from '../../server/src/store/redis/redis-profile-store';
import { startRedis } from '../helpers/redis-server';
import { fixed, report } from './lib/harness';
import { defaultUpdateSettings } from '../helpers/update-settings';

const ITEMS = 10_000;
/** PSN_BENCH_VISITORS: fewer visitors for a quick smoke run. */
const VISITORS = Number(process.env.PSN_BENCH_VISITORS ?? 100_000);
const ENGAGEMENTS_PER_VISITOR = 10;
const TASTES = 50;
const CONTENT_TYPE = 'api::movie.movie';
const SEGMENTS = ['fans', 'new', 'returning', 'mobile'];
const DAY = 86_400;
const NOW = Math.floor(Date.now() / 1000);
const PROFILE_SETTINGS = defaultUpdateSettings();

let seed = 12345;
const random = () => ((seed = (seed * 16807) % 2147483647) - 1) / 2147483646;
const documentId = (n: number) => `doc${String(n).padStart(21, '0')}`;
const item = (n: number) => `${CONTENT_TYPE}/${documentId(n)}`;
const visitorId = (n: number) => `bench-visitor-${n}`;

/** Zipf-like popularity within a taste: visitors of a taste mostly engage with its items. */
const pickItem = (taste: number): number => {
  const rank = Math.floor(ITEMS / TASTES * random() ** 3);
  return random() < 0.8 ? (taste * (ITEMS / TASTES) + rank) % ITEMS : Math.floor(ITEMS * random() ** 4);
};

const engagementsOf = (visitor: number, count: number, at: number): VisitorEngagements => {
  const taste = visitor % TASTES;
  return {
    visitorId: visitorId(visitor),
    segments: [SEGMENTS[visitor % SEGMENTS.length]],
    items: Array.from({ length: count }, (_, i) => ({ item: item(pickItem(taste)), weight: [1, 1, 1, 2, 3][i % 5], at: at + i * 30 })),
  };
};

const percentile = (sorted: number[], p: number) => sorted[Math.min(sorted.length - 1, Math.floor(sorted.length * p))];
const median = (values: number[]) => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)];

/** Latencies (ms) of `total` calls, `concurrency` at a time. */
const latencies = async (total: number, concurrency: number, call: (i: number) => Promise<unknown>): Promise<{ p50: number; p99: number; perSec: number }> => {
  const times: number[] = [];
  let next = 0;
  const started = process.hrtime.bigint();
  await Promise.all(
    Array.from({ length: concurrency }, async () => {
      while (next < total) {
        const i = next++;
        const start = process.hrtime.bigint();
        await call(i);
        times.push(Number(process.hrtime.bigint() - start) / 1e6);
      }
    })
  );
  const elapsedSec = Number(process.hrtime.bigint() - started) / 1e9;
  times.sort((a, b) => a - b);
  return { p50: percentile(times, 0.5), p99: percentile(times, 0.99), perSec: total / elapsedSec };
};

/** Alternates baseline and subject `rounds` times after a warm-up; medians of p50, p99 and rate. */
const alternate = async (rounds: number, baseline: () => ReturnType<typeof latencies>, subject: () => ReturnType<typeof latencies>) => {
  await baseline();
  await subject();
  const runs = { baseline: [] as Awaited<ReturnType<typeof latencies>>[], subject: [] as Awaited<ReturnType<typeof latencies>>[] };
  for (let round = 0; round < rounds; round++) {
    runs.baseline.push(await baseline());
    runs.subject.push(await subject());
  }
  const summarize = (list: Awaited<ReturnType<typeof latencies>>[]) => ({
    p50: median(list.map((r) => r.p50)),
    p99: median(list.map((r) => r.p99)),
    perSec: median(list.map((r) => r.perSec)),
  });
  return { baseline: summarize(runs.baseline), subject: summarize(runs.subject) };
};

const main = async () => {
  const redis = await startRedis();
  const client = new Redis({ port: redis.port, host: '127.0.0.1', enableAutoPipelining: true });
  const store = new RedisCoEngagementStore(client, 'psn:');
  const connection = new RedisConnection({ url: redis.url, commandTimeoutMs: 10_000 }, 'psn:');
  await connection.connect(2000);
  const profiles = new RedisProfileStore(connection);
  try {
    // Population: every visitor's engagements over the last 30 days, flushed 500 visitors at a time.
    const started = Date.now();
    const FLUSH = 500;
    for (let first = 0; first < VISITORS; first += FLUSH) {
      const batch = Array.from({ length: FLUSH }, (_, k) => engagementsOf(first + k, ENGAGEMENTS_PER_VISITOR, NOW - 30 * DAY + Math.floor(random() * 29 * DAY)));
      await store.record(batch, NOW);
    }
    const populateSec = (Date.now() - started) / 1000;
    const info = await client.info('memory');
    const usedMb = Number(/used_memory:(\d+)/.exec(info)![1]) / 1e6;
    console.log(`\nco-engagement of ${VISITORS.toLocaleString('en')} visitors (${ENGAGEMENTS_PER_VISITOR} engagements each) on ${ITEMS.toLocaleString('en')} items`);
    report('populated through record (500 visitors per call)', `${fixed(populateSec, 1)} s (${fixed((VISITORS * ENGAGEMENTS_PER_VISITOR) / populateSec, 0)} engagements/s)`);
    report('Redis memory used (keys of the store)', `${fixed(usedMb, 0)} MB, ${await client.dbsize()} keys`);

    // A typical profile hash per visitor of the baseline reads (60 fields).
    for (let v = 0; v < 2_000; v++) {
      const fields: Record<string, string> = {};
      for (let f = 0; f < 60; f++) fields[`e:Event ${f}`] = String(f * 7);
      await client.hset(`psn:{v:${visitorId(v)}}:p`, fields);
    }

    const readRecommendation = async (i: number) => {
      const visitor = (i * 7919) % VISITORS;
      const history = await store.history(visitorId(visitor), store.settings.historySize);
      const [neighbours, popular, inSegment] = await Promise.all([
        store.neighbours(history.map((entry) => entry.item), 20, NOW),
        store.popular(CONTENT_TYPE, null, 100, NOW),
        store.popular(CONTENT_TYPE, SEGMENTS[visitor % SEGMENTS.length], 100, NOW),
      ]);
      return recommend({
        strategy: 'cf-v1',
        contentType: CONTENT_TYPE,
        history,
        neighbours,
        popular: inSegment.length >= 10 ? inSegment : popular,
        topicAffinities: {},
        candidateTopics: {},
        exclude: history.map((entry) => entry.item),
        limit: 10,
      });
    };
    const sample = await readRecommendation(1);
    console.log(`\none recommendation's reads (history → neighbours + popular ×2 → recommend), vs HGETALL of a 60-field profile`);
    report('a sample answer', `${sample.length} items, first ${sample[0]?.reason} ${fixed(sample[0]?.score ?? 0, 3)}`);
    for (const concurrency of [1, 16]) {
      const total = concurrency === 1 ? 2_000 : 4_000;
      const result = await alternate(
        3,
        () => latencies(total, concurrency, (i) => client.hgetall(`psn:{v:${visitorId(i % 2_000)}}:p`)),
        () => latencies(total, concurrency, readRecommendation)
      );
      report(`concurrency ${concurrency}: p50 / p99 recommendation`, `${fixed(result.subject.p50, 2)} / ${fixed(result.subject.p99, 2)} ms (${fixed(result.subject.perSec, 0)}/s)`);
      report(`concurrency ${concurrency}: p50 / p99 HGETALL baseline`, `${fixed(result.baseline.p50, 2)} / ${fixed(result.baseline.p99, 2)} ms (${fixed(result.baseline.perSec, 0)}/s)`);
      report(`concurrency ${concurrency}: p99 ratio (target: p99 < 20 ms)`, fixed(result.subject.p99 / result.baseline.p99, 1));
    }

    // `record` on its own: one ingest batch's engagements, and a flush of many visitors.
    let counter = VISITORS;
    const single = await alternate(
      3,
      () => latencies(1_000, 1, (i) => client.hgetall(`psn:{v:${visitorId(i % 2_000)}}:p`)),
      () => latencies(1_000, 1, () => store.record([engagementsOf(counter++, 5, NOW - 60)], NOW))
    );
    console.log('\nrecord');
    report('one visitor, 5 engagements: p50 / p99', `${fixed(single.subject.p50, 2)} / ${fixed(single.subject.p99, 2)} ms (HGETALL ${fixed(single.baseline.p50, 2)} / ${fixed(single.baseline.p99, 2)} ms)`);
    const flush = await latencies(50, 1, () => store.record(Array.from({ length: 200 }, () => engagementsOf(counter++, 5, NOW - 60)), NOW));
    report('a flush of 200 visitors × 5 engagements: p50 / p99', `${fixed(flush.p50, 1)} / ${fixed(flush.p99, 1)} ms (${fixed(flush.perSec * 200 * 5, 0)} engagements/s)`);

    // Ingest at the store, with and without co-engagement handed to the buffer.
    const writes = new CoEngagementWrites(store);
    const ingestBatch = (i: number, withCoEngagement: boolean) => {
      const visitor = 200_000 + (i % 20_000);
      const engagements = engagementsOf(visitor, 5, NOW - 120);
      const updates: EventUpdate[] = Array.from({ length: 20 }, (_, e) => ({
        ts: NOW - 120 + e,
        incr: { pv: 1, [`e:Event ${e % 8}`]: 1 },
        windowed: { pv: 1 },
        affinity: { [`topic-${e % 5}`]: 1 },
        ...(e < 5 ? { recentItem: engagements.items[e].item.slice(CONTENT_TYPE.length + 1) } : {}),
      }));
      return profiles.applyUpdates(visitorId(visitor), updates, PROFILE_SETTINGS, NOW).then(() =>
        withCoEngagement ? writes.add(engagements.visitorId, engagements.segments, engagements.items) : undefined
      );
    };
    const ingest = await alternate(
      3,
      () => latencies(6_000, 32, (i) => ingestBatch(i, false)),
      async () => {
        const result = await latencies(6_000, 32, (i) => ingestBatch(i, true));
        await writes.flush();
        return result;
      }
    );
    await writes.close();
    console.log('\ningest at the store: 20-event batches (profile script), 32 concurrent, with and without co-engagement');
    report('batches/s with / without', `${fixed(ingest.subject.perSec, 0)} / ${fixed(ingest.baseline.perSec, 0)} (${fixed((ingest.subject.perSec / ingest.baseline.perSec - 1) * 100, 1)} %; target ≥ −10 %)`);
    report('p99 with / without', `${fixed(ingest.subject.p99, 1)} / ${fixed(ingest.baseline.p99, 1)} ms`);
    report('engagements dropped (buffer full)', String(writes.dropped));
  } finally {
    await connection.close();
    client.disconnect();
    await redis.stop();
  }
};

main().catch((error) => {
  console.error(error);
  process.exit(1);
});
