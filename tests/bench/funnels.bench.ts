/**
 * The cost of funnels and paths on ingest: the same 20-event batches (page views of movies, clicks,
 * scroll, dwell, video) to two servers, one with ten enabled funnels (`lib/funnels-setup.ts`) and
 * recommendations on (co-engagement and the next steps that paths show), one with neither, five
 * alternating runs each. Target: within 10 % of the throughput without. Counts what the funnels did:
 * the visitors each one counted at its first and last step today.
 */
import { Redis } from 'ioredis';
import { BROWSER_UA } from '../helpers/events';
import { compare, fixed, report, startBenchServer } from './lib/harness';
import { batchBodies } from './lib/ingest-batch';
import { benchFunnels } from './lib/funnels-setup';

const FUNNELS = 10;
const MOVIE = 'api::movie.movie';
/** Entries the page views are of (they need not exist: paths record what visitors went to). */
const ENTRIES = Array.from({ length: 200 }, (_, i) => `benchmovie${String(i).padStart(14, '0')}`);
const headers = { 'content-type': 'application/json', 'user-agent': BROWSER_UA };
const LIMITS = { ingest: { perIpPerMinute: 1_000_000, perVisitorPerMinute: 1_000_000 } };

const ingestLoad = (url: string) => {
  const body = batchBodies({ anonymousId: true }, { contentType: MOVIE, documentIds: ENTRIES });
  return { url: `${url}/api/personalization/events`, requests: [{ method: 'POST' as const, headers, setupRequest: (request: object) => ({ ...request, body: body() }) }] };
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

const main = async () => {
  const off = await startBenchServer({ ...LIMITS, recommendations: { enabled: false } }, 'funnels', { BENCH_FUNNELS: '0' });
  const on = await startBenchServer(LIMITS, 'funnels', { BENCH_FUNNELS: String(FUNNELS) });
  try {
    const { baseline, subject, ratio } = await compare(ingestLoad(off.url), ingestLoad(on.url), { rounds: 5 });
    console.log(`\ningest (20-event batches, 4 page views of movies each) with ${FUNNELS} funnels and paths on, against neither, alternating runs`);
    report('off: batches/s', fixed(baseline.requestsPerSec, 0));
    report(`${FUNNELS} funnels + paths: batches/s`, fixed(subject.requestsPerSec, 0));
    report('ratio on / off (target >= 0.90)', fixed(ratio, 3));
    report('change in throughput', `${fixed((ratio - 1) * 100, 1)} %`);
    report('p99 latency (ms), off / on', `${fixed(baseline.p99Ms, 1)} / ${fixed(subject.p99Ms, 1)}`);
    report('non-2xx / errors, off / on', `${baseline.non2xx} / ${baseline.errors}, ${subject.non2xx} / ${subject.errors}`);
    const counted = await funnelCounts(on.redisPort);
    report('funnels counting (first → last step, visitors today)', `${counted.length} of ${benchFunnels().length}: ${counted.join(', ')}`);
  } finally {
    await Promise.all([off.stop(), on.stop()]);
  }
  // Where the cost is: each of the two alone against neither (three alternating runs each).
  for (const [name, config, funnels] of [
    [`${FUNNELS} funnels alone`, { ...LIMITS, recommendations: { enabled: false } }, FUNNELS],
    ['paths alone', LIMITS, 0],
  ] as const) {
    const neither = await startBenchServer({ ...LIMITS, recommendations: { enabled: false } }, 'funnels', { BENCH_FUNNELS: '0' });
    const one = await startBenchServer(config, 'funnels', { BENCH_FUNNELS: String(funnels) });
    try {
      const alone = await compare(ingestLoad(neither.url), ingestLoad(one.url));
      report(`${name}: change in throughput`, `${fixed((alone.ratio - 1) * 100, 1)} % (${fixed(alone.baseline.requestsPerSec, 0)} → ${fixed(alone.subject.requestsPerSec, 0)} batches/s)`);
    } finally {
      await Promise.all([neither.stop(), one.stop()]);
    }
  }
};

main().catch((error) => {
  console.error(error);
  process.exit(1);
});
