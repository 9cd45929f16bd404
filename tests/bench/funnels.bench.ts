/**
 * The cost of funnels and paths on ingest: the same 20-event batches (page views of movies, clicks,
 * scroll, dwell, video) to two servers, one with ten enabled funnels (`lib/funnels-setup.ts`) and
 * recommendations on (co-engagement and the next steps that paths show, and page paths: the page
 * views are named, so each batch adds four transitions from a page), one with neither, five
 * alternating runs each. Target: throughput within 10 % of the throughput without. Also the CPU
 * each batch cost the server and its Redis (less sensitive than throughput to what else the
 * machine runs), each of the two features alone, page paths alone (recommendations on either
 * side), and what the funnels and page paths counted.
 */
import { Redis } from 'ioredis';
import { BROWSER_UA } from '../helpers/events';
import { compare, fixed, report, startBenchServer, type LoadResult } from './lib/harness';
import { batchBodies } from './lib/ingest-batch';
import { benchFunnels } from './lib/funnels-setup';

const FUNNELS = 10;
const MOVIE = 'api::movie.movie';
/** Entries the page views are of (they need not exist: paths record what visitors went to). */
const ENTRIES = Array.from({ length: 200 }, (_, i) => `benchmovie${String(i).padStart(14, '0')}`);
/** Names of the batches' page views, for page paths (`recommendations.pagePaths`). */
const PAGE_NAMES = ['Home', 'Pricing', 'Docs', 'Movies'];
const headers = { 'content-type': 'application/json', 'user-agent': BROWSER_UA };
const LIMITS = { ingest: { perIpPerMinute: 1_000_000, perVisitorPerMinute: 1_000_000 } };

type BenchServer = Awaited<ReturnType<typeof startBenchServer>>;

const ingestLoad = (url: string) => {
  const body = batchBodies({ anonymousId: true }, { contentType: MOVIE, documentIds: ENTRIES }, PAGE_NAMES);
  return { url: `${url}/api/personalization/events`, requests: [{ method: 'POST' as const, headers, setupRequest: (request: object) => ({ ...request, body: body() }) }] };
};

/** `withPaths`: recommendations on (entry paths), with page paths unless `pagePaths` is false. */
const start = (withFunnels: boolean, withPaths: boolean, pagePaths = withPaths) =>
  startBenchServer({ ...LIMITS, recommendations: { enabled: withPaths, pagePaths } }, 'funnels', { BENCH_FUNNELS: withFunnels ? String(FUNNELS) : '0' });

/** The pids whose CPU a batch costs: the Strapi process and its redis-server. */
const pidsOf = async (server: BenchServer) => {
  const client = new Redis({ port: server.redisPort });
  const redisPid = Number(/process_id:(\d+)/.exec(await client.info('server'))![1]);
  client.disconnect();
  return [Number(server.pid), redisPid];
};

/** Alternating runs of the same load on both servers: throughput, and CPU per batch of each server and its Redis. */
const compareCost = async (baseline: BenchServer, subject: BenchServer, rounds: number) => {
  const result = await compare(ingestLoad(baseline.url), ingestLoad(subject.url), { rounds, cpuPids: [await pidsOf(baseline), await pidsOf(subject)] });
  const side = (load: LoadResult) => ({ requestsPerSec: load.requestsPerSec, p99Ms: load.p99Ms, nodeMs: load.cpuMsPerRequest![0], redisMs: load.cpuMsPerRequest![1], failed: load.non2xx + load.errors });
  const [off, on] = [side(result.baseline), side(result.subject)];
  return { off, on, ratio: result.ratio, cpuRatio: (on.nodeMs + on.redisMs) / (off.nodeMs + off.redisMs) };
};

/** Per funnel, visitors counted today at its first step and at its last. */
const funnelCounts = async (redisPort: number) => {
  const client = new Redis({ port: redisPort });
  const stats = await client.hgetall(`psn:stats:${Math.floor(Date.now() / 86_400_000)}`);
  client.disconnect();
  const byFunnel = new Map<string, Map<number, number>>();
  for (const [name, value] of Object.entries(stats)) {
    const match = /^funnel:([^:]+):(\d+)$/.exec(name);
    if (!match) continue;
    const steps = byFunnel.get(match[1]) ?? new Map<number, number>();
    steps.set(Number(match[2]), Number(value));
    byFunnel.set(match[1], steps);
  }
  return [...byFunnel.values()].map((steps) => `${steps.get(1) ?? 0}→${steps.get(Math.max(...steps.keys())) ?? 0} (step ${Math.max(...steps.keys())})`);
};

/** What page paths counted: the pages tracked, and the next steps stored for one of them. */
const pagePathsCounted = async (redisPort: number) => {
  const client = new Redis({ port: redisPort });
  const [pages, next] = await Promise.all([client.zcard('psn:{pp}:pages'), client.hkeys('psn:{pp}:x:Pricing')]);
  client.disconnect();
  return `${pages} pages; from Pricing: ${next.join(', ')}`;
};

const cpu = (side: { nodeMs: number; redisMs: number }) => `${fixed(side.nodeMs, 3)} + ${fixed(side.redisMs, 3)}`;

const main = async () => {
  const off = await start(false, false);
  const on = await start(true, true);
  try {
    const both = await compareCost(off, on, 5);
    console.log(`\ningest (20-event batches, 4 page views of movies each) with ${FUNNELS} funnels and paths on, against neither, alternating runs`);
    report('off: batches/s', fixed(both.off.requestsPerSec, 0));
    report(`${FUNNELS} funnels + paths: batches/s`, fixed(both.on.requestsPerSec, 0));
    report('ratio on / off (target >= 0.90)', fixed(both.ratio, 3));
    report('CPU ms per batch, Strapi + Redis: off / on', `${cpu(both.off)} / ${cpu(both.on)}`);
    report('CPU per batch, on / off', fixed(both.cpuRatio, 3));
    report('p99 latency (ms), off / on', `${fixed(both.off.p99Ms, 1)} / ${fixed(both.on.p99Ms, 1)}`);
    report('failed requests, off / on', `${both.off.failed} / ${both.on.failed}`);
    const counted = await funnelCounts(on.redisPort);
    report('funnels counting (first → last step, visitors today)', `${counted.length} of ${benchFunnels().length}: ${counted.join(', ')}`);
    report('page paths counting', await pagePathsCounted(on.redisPort));
  } finally {
    await Promise.all([off.stop(), on.stop()]);
  }
  // Where the cost is: each of the two alone against neither, and page paths alone (three alternating runs each).
  const variants: { name: string; baseline: Parameters<typeof start>; subject: Parameters<typeof start> }[] = [
    { name: `${FUNNELS} funnels alone`, baseline: [false, false], subject: [true, false] },
    { name: 'paths alone (entries and pages)', baseline: [false, false], subject: [false, true] },
    { name: 'page paths alone (recommendations on either side)', baseline: [false, true, false], subject: [false, true, true] },
  ];
  for (const { name, baseline, subject } of variants) {
    const [neither, one] = [await start(...baseline), await start(...subject)];
    try {
      const alone = await compareCost(neither, one, 3);
      report(`${name}: throughput on / off`, `${fixed(alone.ratio, 3)} (${fixed(alone.off.requestsPerSec, 0)} → ${fixed(alone.on.requestsPerSec, 0)} batches/s)`);
      report(`${name}: CPU per batch on / off`, `${fixed(alone.cpuRatio, 3)} (${cpu(alone.off)} → ${cpu(alone.on)} ms)`);
    } finally {
      await Promise.all([neither.stop(), one.stop()]);
    }
  }
};

main().catch((error) => {
  console.error(error);
  process.exit(1);
});
