/**
 * Personalized reads, counted by what was served, not only how fast:
 * - GET /api/articles/:documentId for a visitor in a segment with a variant, against the same request
 *   with ?psn=off, alternating runs at 32 connections: throughput ratio (target >= 0.85) beside the
 *   share of personalized answers that carry the variant (target >= 99 %), and the p99 latency added
 *   at one connection (target <= 3 ms);
 * - a list of 25 entries with variants: Redis commands (MONITOR) and database queries (knex) more than
 *   the plain list (target: at most one of each);
 * - ten visitors loading pages for 20 s (4 content reads in parallel, then one event, per page): the
 *   share of reads served degraded (target < 0.1 %);
 * - reads while Redis answers nobody (CLIENT PAUSE, SIGSTOP of its process, DEBUG SLEEP): all served,
 *   degraded, within the 25 ms budget plus a margin.
 */
import { Redis } from 'ioredis';
import { BROWSER_UA } from '../helpers/events';
import { compare, fixed, report, startBenchServer } from './lib/harness';

const VARIANT_CTA = 'Watch the demo';

/**
 * Top-level Redis commands made while answering one request. The site-wide counters that every
 * instance flushes each second (`psn:stats:*`, `psn:active:*`, `psn:seen:*`) are not the request's
 * and are left out.
 */
const redisCommands = async (redisPort: number, url: string, headers: Record<string, string>) => {
  const client = new Redis({ port: redisPort });
  const monitor = await client.monitor();
  const seen: string[] = [];
  // MONITOR keeps delivering until its socket closes: what comes after the wait is the next phase's.
  let listening = true;
  monitor.on('monitor', (_time: string, args: string[], source: string) => {
    const periodic = args.some((arg) => /^psn:(stats|active|seen):/.test(arg));
    if (listening && !periodic && source !== 'lua' && !/^(info|ping)$/i.test(args[0])) seen.push(`${args[0].toLowerCase()} ${args[1] ?? ''}`.trim());
  });
  await new Promise((resolve) => setTimeout(resolve, 100));
  await (await fetch(url, { headers })).text();
  await new Promise((resolve) => setTimeout(resolve, 200));
  listening = false;
  monitor.disconnect();
  client.disconnect();
  return seen;
};

/** What personalized answers carried: the variant, the base entry (degraded), or neither. */
const tally = () => {
  const counts = { answers: 0, variant: 0, degraded: 0 };
  const onResponse = (status: number, body: string) => {
    if (status !== 200) return;
    counts.answers += 1;
    if (body.includes(VARIANT_CTA)) counts.variant += 1;
    if (body.includes('"degraded":true')) counts.degraded += 1;
  };
  return { counts, onResponse };
};

const percent = (part: number, whole: number) => (whole === 0 ? 'n/a' : `${fixed((part / whole) * 100, 2)} %`);

/** Ten visitors loading pages: four content reads at once, then one event, as the demo page does. */
const pagePattern = async (url: string, tokens: string[], documentIds: string[], seconds: number) => {
  const counts = { reads: 0, degraded: 0, variant: 0, events: 0, failures: 0 };
  const deadline = Date.now() + seconds * 1000;
  await Promise.all(
    tokens.map(async (token, visitor) => {
      const headers = { 'x-visitor-token': token, 'user-agent': BROWSER_UA };
      for (let page = 0; Date.now() < deadline; page++) {
        const reads = [0, 1, 2, 3].map((i) => `${url}/api/articles/${documentIds[(page * 4 + i + visitor) % documentIds.length]}`);
        await Promise.all(
          reads.map(async (read) => {
            const response = await fetch(read, { headers });
            const text = await response.text();
            if (!response.ok) counts.failures += 1;
            counts.reads += 1;
            if (text.includes('"degraded":true')) counts.degraded += 1;
            if (text.includes(VARIANT_CTA)) counts.variant += 1;
          })
        );
        const event = await fetch(`${url}/api/personalization/events`, {
          method: 'POST',
          headers: { ...headers, 'content-type': 'application/json' },
          body: JSON.stringify({ events: [{ type: 'page', messageId: `page-${visitor}-${page}-${Date.now()}` }] }),
        });
        if (event.status !== 202) counts.failures += 1;
        counts.events += 1;
      }
    })
  );
  return counts;
};

/** Ways to make Redis answer nobody for a while, each undone by the function it returns. */
const STALLS = {
  /** Redis stops serving clients, its process running. */
  'CLIENT PAUSE': async (admin: Redis) => {
    await admin.call('CLIENT', 'PAUSE', '3000', 'ALL');
    return async () => void (await admin.call('CLIENT', 'UNPAUSE').catch(() => undefined));
  },
  /** The process is stopped (a hung host, a stopped container): its sockets accept and nothing answers. */
  SIGSTOP: async (admin: Redis) => {
    const pid = Number(/process_id:(\d+)/.exec(await admin.info('server'))![1]);
    process.kill(pid, 'SIGSTOP');
    return async () => void process.kill(pid, 'SIGCONT');
  },
  /** Redis busy with one slow command (a big KEYS, a slow script): everything else waits behind it. */
  'DEBUG SLEEP': async (admin: Redis) => {
    const sleeping = admin.call('DEBUG', 'SLEEP', '3').catch(() => undefined);
    // Sent: a PING from elsewhere would wait behind it from now on.
    await new Promise((resolve) => setTimeout(resolve, 50));
    return async () => void (await sleeping);
  },
} as const;

/** Reads while Redis answers nobody: each must be served, degraded, within the budget (plus a margin). */
const duringStall = async (redisPort: number, url: string, headers: Record<string, string>, stall: keyof typeof STALLS) => {
  const admin = new Redis({ port: redisPort });
  const counts = { answered: 0, degraded: 0, p50Ms: 0, slowestMs: 0 };
  const undo = await STALLS[stall](admin);
  const times: number[] = [];
  try {
    for (let i = 0; i < 20; i++) {
      const started = performance.now();
      const text = await (await fetch(url, { headers })).text();
      times.push(performance.now() - started);
      counts.answered += 1;
      if (text.includes('"degraded":true')) counts.degraded += 1;
    }
  } finally {
    await undo();
    admin.disconnect();
  }
  times.sort((a, b) => a - b);
  return { ...counts, p50Ms: times[Math.floor(times.length / 2)], slowestMs: times[times.length - 1] };
};

const main = async () => {
  const server = await startBenchServer({ ingest: { perIpPerMinute: 1_000_000, perVisitorPerMinute: 1_000_000 } }, 'resolution');
  const { documentIds, listQueries, visitorTokens } = server as unknown as {
    documentIds: string[];
    visitorTokens: string[];
    listQueries: { plain: number; personalized: number };
  };
  try {
    const headers = { 'x-visitor-token': visitorTokens[0] };
    const one = `${server.url}/api/articles/${documentIds[0]}`;
    const served = tally();
    const single = await compare({ url: `${one}?psn=off`, headers }, { url: one, requests: [{ method: 'GET', headers, onResponse: served.onResponse }] });
    // Added latency with one connection, so that queueing under load does not drown it.
    const latency = await compare({ url: `${one}?psn=off`, headers, connections: 1 }, { url: one, headers, connections: 1 });
    const list = `${server.url}/api/articles?pagination[pageSize]=25`;
    const many = await compare({ url: `${list}&psn=off`, headers }, { url: list, headers }, { rounds: 2 });
    // Let the requests still queued from the load runs drain, so MONITOR sees this request alone.
    await new Promise((resolve) => setTimeout(resolve, 3000));
    const commands = await redisCommands(server.redisPort, list, headers);
    const pages = await pagePattern(server.url, visitorTokens, documentIds, 20);
    const stalls: [string, Awaited<ReturnType<typeof duringStall>>][] = [];
    for (const stall of Object.keys(STALLS) as (keyof typeof STALLS)[]) {
      stalls.push([stall, await duringStall(server.redisPort, one, headers, stall)]);
      // Let the connections recover (a stopped Redis's clients reconnect) before the next.
      await new Promise((resolve) => setTimeout(resolve, 2000));
    }
    console.log('\npersonalized reads vs the same request with ?psn=off, alternating runs');
    report('single entry, 32 connections: ?psn=off (req/s)', fixed(single.baseline.requestsPerSec, 0));
    report('single entry, 32 connections: personalized (req/s)', fixed(single.subject.requestsPerSec, 0));
    report('single entry: ratio (target >= 0.85)', fixed(single.ratio));
    report('single entry: answers carrying the variant (target >= 99 %)', `${percent(served.counts.variant, served.counts.answers)} of ${served.counts.answers}`);
    report('single entry: answers served degraded', `${percent(served.counts.degraded, served.counts.answers)} (${served.counts.degraded})`);
    report('single entry, one connection: p50 / p99 (ms), ?psn=off', `${fixed(latency.baseline.p50Ms, 1)} / ${fixed(latency.baseline.p99Ms, 1)}`);
    report('single entry, one connection: p50 / p99 (ms), personalized', `${fixed(latency.subject.p50Ms, 1)} / ${fixed(latency.subject.p99Ms, 1)}`);
    report('single entry: p99 added latency (ms; target <= 3)', fixed(latency.subject.p99Ms - latency.baseline.p99Ms, 1));
    report('list of 25: ratio', fixed(many.ratio));
    report('list of 25: Redis commands for the request (target <= 1)', `${commands.length} (${commands.join(', ')})`);
    report('list of 25: database queries, plain / personalized (target <= +1)', `${listQueries.plain} / ${listQueries.personalized}`);
    report('10 visitors x 20 s, 4 reads + 1 event per page: reads', String(pages.reads));
    report('  reads served degraded (target < 0.1 %)', `${percent(pages.degraded, pages.reads)} (${pages.degraded})`);
    report('  reads carrying the variant', percent(pages.variant, pages.reads));
    report('  events sent / failed requests', `${pages.events} / ${pages.failures}`);
    for (const [stall, stalled] of stalls) {
      report(`Redis stalled (${stall}): reads answered / degraded`, `${stalled.answered} / ${stalled.degraded}`);
      report('  their p50 / slowest answer (ms; budget 25 + margin)', `${fixed(stalled.p50Ms, 1)} / ${fixed(stalled.slowestMs, 1)}`);
    }
  } finally {
    await server.stop();
  }
};

main().catch((error) => {
  console.error(error);
  process.exit(1);
});
