/**
 * Personalized reads: GET /api/articles/:documentId for a visitor in a segment with a variant,
 * against the same request with ?psn=off, alternating runs (target: >= 0.85 of the throughput,
 * p99 added latency <= 3 ms); and a list of 25 entries with variants: Redis commands (MONITOR) and
 * database queries (knex) more than the plain list (target: at most one of each).
 */
import { Redis } from 'ioredis';
import { compare, fixed, report, startBenchServer } from './lib/harness';

/** Top-level Redis commands made while answering one request. */
const redisCommands = async (redisPort: number, url: string, headers: Record<string, string>) => {
  const client = new Redis({ port: redisPort });
  const monitor = await client.monitor();
  const seen: string[] = [];
  monitor.on('monitor', (_time: string, args: string[], source: string) => {
    if (source !== 'lua' && !/^(info|ping)$/i.test(args[0])) seen.push(args[0].toLowerCase());
  });
  await new Promise((resolve) => setTimeout(resolve, 100));
  await (await fetch(url, { headers })).text();
  await new Promise((resolve) => setTimeout(resolve, 200));
  monitor.disconnect();
  client.disconnect();
  return seen;
};

const main = async () => {
  const server = await startBenchServer({}, 'resolution');
  const { documentIds, listQueries, visitorToken } = server as unknown as { documentIds: string[]; visitorToken: string; listQueries: { plain: number; personalized: number } };
  try {
    const headers = { 'x-visitor-token': visitorToken };
    const one = `${server.url}/api/articles/${documentIds[0]}`;
    const single = await compare({ url: `${one}?psn=off`, headers }, { url: one, headers });
    // Added latency with one connection, so that queueing under load does not drown it.
    const latency = await compare({ url: `${one}?psn=off`, headers, connections: 1 }, { url: one, headers, connections: 1 });
    const list = `${server.url}/api/articles?pagination[pageSize]=25`;
    const many = await compare({ url: `${list}&psn=off`, headers }, { url: list, headers }, { rounds: 2 });
    const check = await (await fetch(one, { headers })).json();
    const commands = await redisCommands(server.redisPort, list, headers);
    console.log('\npersonalized reads vs the same request with ?psn=off, alternating runs');
    report('single entry: ?psn=off (req/s) — baseline', fixed(single.baseline.requestsPerSec, 0));
    report('single entry: personalized (req/s)', fixed(single.subject.requestsPerSec, 0));
    report('single entry: ratio (target >= 0.85)', fixed(single.ratio));
    report('single entry, one connection: p50 / p99 (ms), ?psn=off', `${fixed(latency.baseline.p50Ms, 1)} / ${fixed(latency.baseline.p99Ms, 1)}`);
    report('single entry, one connection: p50 / p99 (ms), personalized', `${fixed(latency.subject.p50Ms, 1)} / ${fixed(latency.subject.p99Ms, 1)}`);
    report('single entry: p99 added latency (ms; target <= 3)', fixed(latency.subject.p99Ms - latency.baseline.p99Ms, 1));
    report('list of 25: ratio', fixed(many.ratio));
    report('list of 25: Redis commands for the request (target <= 1)', `${commands.length} (${commands.join(', ')})`);
    report('list of 25: database queries, plain / personalized (target <= +1)', `${listQueries.plain} / ${listQueries.personalized}`);
    report('check: the personalized single entry got its variant', String(check.data.cta === 'Watch the demo'));
  } finally {
    await server.stop();
  }
};

main().catch((error) => {
  console.error(error);
  process.exit(1);
});
