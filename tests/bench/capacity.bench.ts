/**
 * What an event and a personalized read cost, in CPU time rather than requests per second: the
 * Strapi process's CPU (from /proc) and Redis's (INFO cpu), commands and bytes on the wire, and Redis
 * memory per visitor, all as deltas over a fixed amount of work. CPU time per unit of work is far
 * less sensitive to a noisy machine than throughput, and it is what the capacity model needs
 * (lib/capacity-model.ts); the model for 10 million visitors a day is printed at the end.
 */
import { Redis } from 'ioredis';
import { BROWSER_UA } from '../helpers/events';
import { planCapacity, type MeasuredCosts } from './lib/capacity-model';
import { fixed, processCpuMs, report, startBenchServer } from './lib/harness';
import { BATCH, batchBodies, VISITORS } from './lib/ingest-batch';

const LIMITS = { ingest: { perIpPerMinute: 1_000_000, perVisitorPerMinute: 1_000_000 } };
/** Two batches per visitor: 40 events, about a typical visitor's (the memory benchmark's is 50). */
const BATCHES = VISITORS * 2;
const READS = 8_000;
const CONNECTIONS = 32;
const VARIANT_CTA = 'Watch the demo';

const infoFields = async (redis: Redis, section: string): Promise<Record<string, string>> =>
  Object.fromEntries(
    (await redis.info(section))
      .split('\r\n')
      .filter((line) => line.includes(':'))
      .map((line) => [line.slice(0, line.indexOf(':')), line.slice(line.indexOf(':') + 1)])
  );

interface Snapshot {
  strapiCpuMs: number;
  redisCpuMs: number;
  calls: number;
  netInBytes: number;
  netOutBytes: number;
  usedMemory: number;
  keys: number;
}

const snapshot = async (redis: Redis, pid: number): Promise<Snapshot> => {
  const [cpu, stats, commandstats, memory] = await Promise.all(['cpu', 'stats', 'commandstats', 'memory'].map((section) => infoFields(redis, section)));
  const calls = Object.entries(commandstats)
    .filter(([name]) => name.startsWith('cmdstat_') && !/cmdstat_(info|dbsize)$/.test(name))
    .reduce((sum, [, value]) => sum + Number(/calls=(\d+)/.exec(value)![1]), 0);
  return {
    strapiCpuMs: processCpuMs(pid),
    redisCpuMs: (Number(cpu.used_cpu_user) + Number(cpu.used_cpu_sys)) * 1000,
    calls,
    netInBytes: Number(stats.total_net_input_bytes),
    netOutBytes: Number(stats.total_net_output_bytes),
    usedMemory: Number(memory.used_memory),
    keys: await redis.dbsize(),
  };
};

const delta = (after: Snapshot, before: Snapshot): Snapshot =>
  Object.fromEntries(Object.keys(after).map((key) => [key, after[key as keyof Snapshot] - before[key as keyof Snapshot]])) as unknown as Snapshot;

/** Runs `total` requests over `CONNECTIONS` concurrent loops; `send` answers whether what it was served counts. */
const drive = async (total: number, send: (index: number) => Promise<boolean>) => {
  let next = 0;
  let served = 0;
  let failed = 0;
  await Promise.all(
    Array.from({ length: CONNECTIONS }, async () => {
      while (next < total) {
        const index = next++;
        if (await send(index).catch(() => false)) served += 1;
        else failed += 1;
      }
    })
  );
  return { served, failed };
};

const main = async () => {
  const server = await startBenchServer(LIMITS, 'resolution');
  const { pid, documentIds, visitorTokens } = server as unknown as { pid: number; documentIds: string[]; visitorTokens: string[] };
  const redis = new Redis({ port: server.redisPort });
  try {
    const batchBody = batchBodies({ anonymousId: true });
    const ingest = () =>
      fetch(`${server.url}/api/personalization/events`, { method: 'POST', headers: { 'content-type': 'application/json', 'user-agent': BROWSER_UA }, body: batchBody() }).then(
        (response) => response.text().then(() => response.status === 202)
      );
    /** A personalized read (counted when it carries the variant), or with `?psn=off` the same read unpersonalized. */
    const read = (index: number, plain = false) =>
      fetch(`${server.url}/api/articles/${documentIds[index % documentIds.length]}${plain ? '?psn=off' : ''}`, {
        headers: { 'x-visitor-token': visitorTokens[index % visitorTokens.length], 'user-agent': BROWSER_UA },
      }).then(async (response) => response.ok && (plain || (await response.text()).includes(VARIANT_CTA)));

    // Warm-up: JIT, connections, script cache; then the stats flush settles.
    await drive(500, () => read(0));
    await new Promise((resolve) => setTimeout(resolve, 6_000));

    const beforeIngest = await snapshot(redis, pid);
    const ingested = await drive(BATCHES, ingest);
    // The periodic flushes (site counters each second, co-engagement, member sets) belong to ingest.
    await new Promise((resolve) => setTimeout(resolve, 6_000));
    const ingestCost = delta(await snapshot(redis, pid), beforeIngest);
    const events = ingested.served * BATCH;

    const beforeReads = await snapshot(redis, pid);
    const reads = await drive(READS, read);
    const readCost = delta(await snapshot(redis, pid), beforeReads);
    const beforePlain = await snapshot(redis, pid);
    await drive(READS, (index) => read(index, true));
    const plainCost = delta(await snapshot(redis, pid), beforePlain);

    const perEvent = (value: number) => value / events;
    const perRead = (value: number) => value / READS;
    console.log(`\ncapacity: ${BATCHES} batches of ${BATCH} events for ${VISITORS} visitors, then ${READS} personalized reads, ${CONNECTIONS} connections`);
    report('batches accepted / failed', `${ingested.served} / ${ingested.failed}`);
    report('reads carrying the variant / not', `${reads.served} / ${reads.failed}`);
    report('Strapi CPU per event', `${fixed(perEvent(ingestCost.strapiCpuMs) * 1000, 1)} µs (${fixed(perEvent(ingestCost.strapiCpuMs) * 1000 * BATCH / 1000, 2)} ms per batch)`);
    report('Redis CPU per event', `${fixed(perEvent(ingestCost.redisCpuMs) * 1000, 2)} µs`);
    report('Redis commands per event (inside scripts too)', fixed(perEvent(ingestCost.calls), 2));
    report('Redis bytes in / out per event', `${fixed(perEvent(ingestCost.netInBytes), 0)} / ${fixed(perEvent(ingestCost.netOutBytes), 0)}`);
    report('Redis memory per visitor (all keys, 40 events)', `${fixed(ingestCost.usedMemory / VISITORS, 0)} B, ${fixed(ingestCost.keys / VISITORS, 2)} keys`);
    report('Strapi CPU per personalized read', `${fixed(perRead(readCost.strapiCpuMs) * 1000, 0)} µs (the same read with ?psn=off: ${fixed(perRead(plainCost.strapiCpuMs) * 1000, 0)} µs)`);
    report('Redis CPU per personalized read', `${fixed(perRead(readCost.redisCpuMs) * 1000, 2)} µs, ${fixed(perRead(readCost.calls), 2)} commands`);

    const costs: MeasuredCosts = {
      strapiCpuUsPerEvent: perEvent(ingestCost.strapiCpuMs) * 1000,
      strapiCpuUsPerRead: perRead(readCost.strapiCpuMs) * 1000,
      redisCpuUsPerEvent: perEvent(ingestCost.redisCpuMs) * 1000,
      redisCpuUsPerRead: perRead(readCost.redisCpuMs) * 1000,
      redisBytesPerVisitor: ingestCost.usedMemory / VISITORS,
    };
    const site = {
      visitorsPerDay: 10_000_000,
      eventsPerVisitor: 40,
      readsPerVisitor: 10,
      peakFactor: 3,
      profilesHeld: 60_000_000,
      targetUtilization: 0.5,
      bytesPerShard: 16 * 2 ** 30,
    };
    const plan = planCapacity(costs, site);
    console.log(`\nmodel: ${JSON.stringify(site)}`);
    report('peak events/s, reads/s', `${fixed(plan.peakEventsPerSec, 0)}, ${fixed(plan.peakReadsPerSec, 0)}`);
    report('events/s per instance (one CPU at 50 %)', fixed(plan.eventsPerSecPerInstance, 0));
    report('reads/s per instance (one CPU at 50 %)', fixed(plan.readsPerSecPerInstance, 0));
    report('Strapi instances (CPUs)', String(plan.instances));
    report('events/s per Redis shard (its thread at 50 %)', fixed(plan.eventsPerSecPerShard, 0));
    report('Redis memory for the profiles held', `${fixed(plan.redisMemoryBytes / 2 ** 30, 0)} GiB`);
    report('Redis shards (for CPU, for memory)', `${plan.redisShards} (${plan.redisShardsForCpu}, ${plan.redisShardsForMemory})`);
  } finally {
    redis.disconnect();
    await server.stop();
  }
};

main().catch((error) => {
  console.error(error);
  process.exit(1);
});
