/**
 * Ingest throughput: POST /api/personalization/events with 20-event batches, against the same
 * body posted to a no-op route of the same app (what Strapi itself costs for such a request) and
 * against Strapi's own /_health, alternating runs. Target: ingest >= 0.75 x the no-op POST route.
 * Also: p99 latency of a batch under load, and Redis round trips per batch (counted with MONITOR).
 */
import { randomUUID } from 'crypto';
import { Redis } from 'ioredis';
import { BROWSER_UA } from '../helpers/events';
import { fiftySegments } from './lib/fifty-segments';
import { compare, fixed, report, startBenchServer } from './lib/harness';
import { BATCH, batchBodies, TOPICS, VISITORS } from './lib/ingest-batch';

const runTag = randomUUID().slice(0, 8);
let counter = 0;
const batchBody = batchBodies({ anonymousId: true });

/** A server source's batch: 100 events for 100 visitors (a page view or a click each), as Segment's SDKs send. */
const SERVER_BATCH = 100;
const SERVER_KEY = 'bench-server-write-key-0123456789';
const serverBatchBody = () => {
  const id = counter++;
  const batch = Array.from({ length: SERVER_BATCH }, (_, i) => {
    const visitor = `bench-server-visitor-${(id * SERVER_BATCH + i) % VISITORS}`;
    const base = `"anonymousId":"${visitor}","messageId":"${runTag}-s${id}-${i}","context":{"userAgent":"${BROWSER_UA}"}`;
    return i % 2 === 0 ? `{"type":"page",${base},"properties":{"topic":"${TOPICS[i % TOPICS.length]}"}}` : `{"type":"track","event":"CTA Clicked","category":"cta",${base}}`;
  });
  return `{"batch":[${batch.join(',')}]}`;
};

const LIMITS = { ingest: { perIpPerMinute: 1_000_000, perVisitorPerMinute: 1_000_000 }, sources: [{ name: 'bench', writeKey: SERVER_KEY, perMinute: 10_000_000 }] };
const headers = { 'content-type': 'application/json', 'user-agent': BROWSER_UA };
const serverHeaders = { 'content-type': 'application/json', authorization: `Basic ${Buffer.from(`${SERVER_KEY}:`).toString('base64')}` };

const ingestLoad = (url: string) => ({
  url: `${url}/api/personalization/events`,
  requests: [{ method: 'POST' as const, headers, setupRequest: (request: object) => ({ ...request, body: batchBody() }) }],
});

/**
 * The cost of 50 enabled segments (membership evaluated on every batch): the same load on a second
 * server that has them, alternating with the plain one, so that both meet the same machine.
 */
const withFiftySegments = async (plainUrl: string) => {
  const server = await startBenchServer({ ...LIMITS, segments: fiftySegments() });
  try {
    return await compare(ingestLoad(plainUrl), ingestLoad(server.url));
  } finally {
    await server.stop();
  }
};

const main = async () => {
  const server = await startBenchServer(LIMITS);
  try {
    const ingest = ingestLoad(server.url);
    const { baseline, subject, ratio } = await compare({ url: `${server.url}/_health` }, ingest);
    // The same body to a do-nothing POST route of the app: what Strapi itself costs for such a request.
    const postFloor = await compare(
      {
        url: `${server.url}/api/bench-floor`,
        requests: [{ method: 'POST', headers, setupRequest: (request) => ({ ...request, body: batchBody() }) }],
      },
      ingest
    );
    const roundTrips = await redisCommandsPerBatch(server.url, server.redisPort, headers);
    // A server source: 100-event batches for 100 visitors.
    const serverSource = await compare(
      { url: `${server.url}/_health` },
      { url: `${server.url}/api/personalization/v1/batch`, requests: [{ method: 'POST', headers: serverHeaders, setupRequest: (request) => ({ ...request, body: serverBatchBody() }) }] },
      { rounds: 2 }
    );
    const segmented = await withFiftySegments(server.url);
    console.log('\ningest (20-event batches) vs Strapi /_health, same app, alternating runs');
    report('framework floor /_health (req/s)', fixed(baseline.requestsPerSec, 0));
    report('ingest POST /events (batches/s)', fixed(subject.requestsPerSec, 0));
    report('ingest events/s', fixed(subject.requestsPerSec * BATCH, 0));
    report('ratio ingest / floor', fixed(ratio));
    report('POST floor: same body to a no-op route (req/s)', fixed(postFloor.baseline.requestsPerSec, 0));
    report('ratio ingest / POST floor (target >= 0.75)', fixed(postFloor.ratio));
    report('ingest p50 / p99 latency under load (ms)', `${fixed(subject.p50Ms, 1)} / ${fixed(subject.p99Ms, 1)}`);
    report('floor p50 / p99 latency (ms)', `${fixed(baseline.p50Ms, 1)} / ${fixed(baseline.p99Ms, 1)}`);
    report('Redis round trips per batch (target 1)', `${fixed(roundTrips.perBatch, 2)} (${roundTrips.commands})`);
    report('other Redis commands in those 200 batches', roundTrips.other);
    report('non-2xx responses / errors', `${subject.non2xx} / ${subject.errors}`);
    report('server source, 100 events for 100 visitors: batches/s', fixed(serverSource.subject.requestsPerSec, 0));
    report('server source events/s (browser path above: 20 per batch)', fixed(serverSource.subject.requestsPerSec * SERVER_BATCH, 0));
    report('server source p50 / p99 latency (ms)', `${fixed(serverSource.subject.p50Ms, 1)} / ${fixed(serverSource.subject.p99Ms, 1)}`);
    report('server source non-2xx / errors', `${serverSource.subject.non2xx} / ${serverSource.subject.errors}`);
    report('with 50 segments: batches/s, without / with', `${fixed(segmented.baseline.requestsPerSec, 0)} / ${fixed(segmented.subject.requestsPerSec, 0)}`);
    report('with 50 segments: change in throughput (target >= -10 %)', `${fixed((segmented.ratio - 1) * 100, 1)} %`);
    report('with 50 segments: p99 latency (ms), without / with', `${fixed(segmented.baseline.p99Ms, 1)} / ${fixed(segmented.subject.p99Ms, 1)}`);
  } finally {
    await server.stop();
  }
};

/**
 * Top-level Redis commands per batch, seen through MONITOR (commands a script runs are tagged
 * "lua" there and not counted): 200 batches of visitors of their own, one after another, outside the
 * throughput runs. The site-wide counters written each second are listed apart.
 */
const redisCommandsPerBatch = async (url: string, redisPort: number, headers: Record<string, string>) => {
  const client = new Redis({ port: redisPort });
  const monitor = await client.monitor();
  const perVisitor: Record<string, number> = {};
  const other: Record<string, number> = {};
  monitor.on('monitor', (_time: string, args: string[], source: string) => {
    if (source === 'lua') return;
    const tally = args.some((arg) => arg.includes('{v:monitored-')) ? perVisitor : other;
    tally[args[0].toLowerCase()] = (tally[args[0].toLowerCase()] ?? 0) + 1;
  });
  const batches = 200;
  for (let i = 0; i < batches; i++) {
    const body = batchBody().replace(/"anonymousId":"bench-visitor-\d+"/, `"anonymousId":"monitored-${i}"`);
    await fetch(`${url}/api/personalization/events`, { method: 'POST', headers, body });
  }
  await new Promise((resolve) => setTimeout(resolve, 200));
  monitor.disconnect();
  client.disconnect();
  const describe = (tally: Record<string, number>) =>
    Object.entries(tally).map(([command, count]) => `${command} x${count}`).join(', ') || 'none';
  return {
    perBatch: Object.values(perVisitor).reduce((sum, count) => sum + count, 0) / batches,
    commands: describe(perVisitor),
    other: describe(other),
  };
};

main().catch((error) => {
  console.error(error);
  process.exit(1);
});
