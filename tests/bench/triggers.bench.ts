/**
 * The cost of triggers on ingest: the same credentialed 20-event batches to two servers, one with
 * no trigger and one with twenty (`lib/triggers-setup.ts`: matched in process on every batch, one of
 * them armed by every batch), five alternating runs each. Target: within 10 % of the throughput without.
 * Both servers have the segment one trigger names. Counts what the triggers did: absence checks
 * armed in Redis and on-site actions (one per visitor reached).
 */
import http from 'http';
import { Redis } from 'ioredis';
import { BROWSER_UA } from '../helpers/events';
import { compare, fixed, report, startBenchServer } from './lib/harness';
import { batchBodies, VISITORS } from './lib/ingest-batch';

const DELIVERIES = 2_000;

/** A receiver that answers 200 at once and notes when each delivery arrived. */
const startSink = async () => {
  const arrivals: { at: number; sentAt: number }[] = [];
  const server = http.createServer((request, response) => {
    const chunks: Buffer[] = [];
    request.on('data', (chunk: Buffer) => chunks.push(chunk));
    request.on('end', () => {
      const payload = JSON.parse(Buffer.concat(chunks).toString()) as { events: { properties: { sentAt: number } }[] };
      arrivals.push({ at: Date.now(), sentAt: payload.events[0].properties.sentAt });
      response.writeHead(200).end();
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return { url: `http://127.0.0.1:${(server.address() as { port: number }).port}/sink`, arrivals, stop: () => new Promise((resolve) => server.close(resolve)) };
};
const headers = { 'content-type': 'application/json', 'user-agent': BROWSER_UA };

const config = (sinkUrl: string) => ({
  ingest: { perIpPerMinute: 1_000_000, perVisitorPerMinute: 1_000_000 },
  // The event triggers' deliveries go here; none of them fires on the throughput runs' batch.
  triggers: { destinations: [{ name: 'sink', url: sinkUrl, secret: 'bench-sink-secret-0123456789' }], pollMs: 100 },
});
const server = (sinkUrl: string, triggers: number) =>
  startBenchServer(config(sinkUrl), 'triggers', { BENCH_TRIGGERS: String(triggers), BENCH_VISITORS: String(VISITORS) });

const percentile = (sorted: number[], p: number) => sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))];

/**
 * The delivery worker: DELIVERIES events that each fire an outbound trigger, sent 32 at a time,
 * and the time until the sink has every delivery (from the first event sent), with the latency
 * from sending the event to the delivery's arrival.
 */
const deliveryThroughput = async (url: string, visitorTokens: string[], sink: Awaited<ReturnType<typeof startSink>>) => {
  const started = Date.now();
  let next = 0;
  const worker = async () => {
    while (next < DELIVERIES) {
      const index = next++;
      const body = JSON.stringify({ visitorToken: visitorTokens[index % visitorTokens.length], events: [{ type: 'track', event: 'Order Step 0', messageId: `delivery-${started}-${index}`, properties: { sentAt: Date.now() } }] });
      await fetch(`${url}/api/personalization/events`, { method: 'POST', headers, body });
    }
  };
  await Promise.all(Array.from({ length: 32 }, worker));
  const sent = Date.now();
  while (sink.arrivals.length < DELIVERIES && Date.now() - sent < 120_000) await new Promise((resolve) => setTimeout(resolve, 50));
  const latencies = sink.arrivals.map((arrival) => arrival.at - arrival.sentAt).sort((a, b) => a - b);
  const last = Math.max(...sink.arrivals.map((arrival) => arrival.at));
  return { delivered: sink.arrivals.length, perSec: sink.arrivals.length / ((last - started) / 1000), p50: percentile(latencies, 50), p99: percentile(latencies, 99) };
};
const loadOf = (url: string, visitorTokens: string[]) => {
  const body = batchBodies({ visitorTokens });
  return { url: `${url}/api/personalization/events`, requests: [{ method: 'POST' as const, headers, setupRequest: (request: object) => ({ ...request, body: body() }) }] };
};

const main = async () => {
  const sink = await startSink();
  const [none, twenty] = [await server(sink.url, 0), await server(sink.url, 20)];
  try {
    const result = await compare(loadOf(none.url, none.visitorTokens as string[]), loadOf(twenty.url, twenty.visitorTokens as string[]), { rounds: 5 });
    const redis = new Redis({ port: twenty.redisPort });
    const armed = await redis.zcard('psn:{trg}:q');
    const stats = await redis.keys('psn:stats:*');
    const fired = (await Promise.all(stats.map((key) => redis.hget(key, 'trigger:newcomer:fired')))).reduce((sum, count) => sum + Number(count ?? 0), 0);
    redis.disconnect();
    console.log('\ningest with 20 triggers vs none, credentialed 20-event batches, alternating runs');
    report('no triggers: batches/s', fixed(result.baseline.requestsPerSec, 0));
    report('20 triggers: batches/s', fixed(result.subject.requestsPerSec, 0));
    report('change in throughput (target >= -10 %)', `${fixed((result.ratio - 1) * 100, 1)} %`);
    report('p50 / p99 latency (ms), none', `${fixed(result.baseline.p50Ms, 1)} / ${fixed(result.baseline.p99Ms, 1)}`);
    report('p50 / p99 latency (ms), 20 triggers', `${fixed(result.subject.p50Ms, 1)} / ${fixed(result.subject.p99Ms, 1)}`);
    report('absence checks armed (one per visitor reached)', `${armed} of ${VISITORS}`);
    report('on-site actions of the segment trigger (one per visitor)', `${fired} of ${VISITORS}`);
    report('non-2xx / errors, 20 triggers', `${result.subject.non2xx} / ${result.subject.errors}`);
    await none.stop();
    const deliveries = await deliveryThroughput(twenty.url, twenty.visitorTokens as string[], sink);
    report(`outbound deliveries received (of ${DELIVERIES} fired)`, String(deliveries.delivered));
    report('deliveries/s, one instance, from first event to last arrival', fixed(deliveries.perSec, 0));
    report('event sent to delivery received, p50 / p99 (ms)', `${deliveries.p50} / ${deliveries.p99}`);
  } finally {
    await Promise.all([none.stop(), twenty.stop(), sink.stop()]);
  }
};

main().catch((error) => {
  console.error(error);
  process.exit(1);
});
