/**
 * The cost of triggers on ingest: the same credentialed 20-event batches to two servers, one with
 * no trigger and one with twenty (`lib/triggers-setup.ts`: matched in process on every batch, one of
 * them armed by every batch), alternating runs. Target: within 10 % of the throughput without.
 * Both servers have the segment one trigger names. Counts what the triggers did: absence checks
 * armed in Redis and on-site actions (one per visitor reached).
 */
import { Redis } from 'ioredis';
import { BROWSER_UA } from '../helpers/events';
import { compare, fixed, report, startBenchServer } from './lib/harness';
import { batchBodies, VISITORS } from './lib/ingest-batch';

const CONFIG = {
  ingest: { perIpPerMinute: 1_000_000, perVisitorPerMinute: 1_000_000 },
  // Deliveries of the event triggers would go here; none of them fires on this batch.
  triggers: { destinations: [{ name: 'sink', url: 'http://127.0.0.1:9/sink', secret: 'bench-sink-secret-0123456789' }] },
};
const headers = { 'content-type': 'application/json', 'user-agent': BROWSER_UA };

const server = (triggers: number) => startBenchServer(CONFIG, 'triggers', { BENCH_TRIGGERS: String(triggers), BENCH_VISITORS: String(VISITORS) });
const loadOf = (url: string, visitorTokens: string[]) => {
  const body = batchBodies({ visitorTokens });
  return { url: `${url}/api/personalization/events`, requests: [{ method: 'POST' as const, headers, setupRequest: (request: object) => ({ ...request, body: body() }) }] };
};

const main = async () => {
  const [none, twenty] = [await server(0), await server(20)];
  try {
    const result = await compare(loadOf(none.url, none.visitorTokens as string[]), loadOf(twenty.url, twenty.visitorTokens as string[]));
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
  } finally {
    await Promise.all([none.stop(), twenty.stop()]);
  }
};

main().catch((error) => {
  console.error(error);
  process.exit(1);
});
