/**
 * The soak under load: browser batches of 1 to 10 events from 2,000 visitors, sent open-loop for
 * 60 s at a steady rate (50 %, then 65 % of this machine's capacity, measured first in the same run), with
 * 5 % of answers dropped on purpose and every batch retried until it is accepted. Reports p99
 * latency loaded ÷ unloaded (the same requests sent one at a time, in the same run; target ≤ 3), the
 * events per second served, and checks the counts exactly, as `tests/integration/soak.test.ts` does.
 * Then the same soaks go to a no-op POST route of the same app: Strapi's own tail under that load,
 * the floor any route of the process shares. Each soak says how many of its slowest requests opened
 * a new connection (see `newConnectionShares`).
 * Clustering is off: this measures ingest, and a clustering run is the clusters benchmark's.
 */
import { Redis } from 'ioredis';
import os from 'os';
import { monitorEventLoopDelay } from 'perf_hooks';
import { isDeepStrictEqual } from 'util';
import { expectedOfVisitor, heldByVisitor, siteCounts, sumCounts } from '../helpers/event-counts';
import { credentialFromSecret, IDENTITY_SECRET, visitorId } from '../helpers/events';
import { duplicatesRange, percentile, runClosedLoop, runSoak, type SenderOptions, type SoakReport } from '../helpers/soak-driver';
import { fixed, machineBusyMs, processCpuMs, report, runQueueWaitMs, startBenchServer } from './lib/harness';

const SECONDS = Number(process.env.SOAK_SECONDS ?? 60);
/**
 * The steady rates, as shares of the capacity measured first, one soak each: half of it (what the
 * capacity model plans an instance for) and 65 %, where the tail grows (README, the soak).
 */
const LOAD_SHARES = (process.env.SOAK_SHARES ?? '0.5,0.65').split(',').map(Number);
const VISITORS = 2_000;
/** The test app's do-nothing POST route (tests/app/src/api/bench-floor). */
const BENCH_FLOOR_PATH = '/api/bench-floor';

const visitors = () => Array.from({ length: VISITORS }, () => visitorId());

/** CPU time so far (ms) of Strapi, Redis, this process (the load generator) and the whole machine. */
const cpuSnapshot = async (redis: Redis, strapiPid: number) => {
  const info = Object.fromEntries((await redis.info('cpu')).split('\r\n').map((line) => line.split(':')));
  const own = process.cpuUsage();
  return {
    strapi: processCpuMs(strapiPid),
    strapiWaiting: runQueueWaitMs(strapiPid),
    redis: (Number(info.used_cpu_user) + Number(info.used_cpu_sys)) * 1000,
    generator: (own.user + own.system) / 1000,
    machine: machineBusyMs(),
  };
};

/** Where the machine's CPU went between two snapshots, in % of one CPU. */
const cpuShares = (before: Awaited<ReturnType<typeof cpuSnapshot>>, after: typeof before, elapsedMs: number) => {
  const share = (ms: number) => `${fixed((ms / elapsedMs) * 100, 0)} %`;
  const used = { strapi: after.strapi - before.strapi, redis: after.redis - before.redis, generator: after.generator - before.generator };
  return {
    strapi: share(used.strapi),
    redis: share(used.redis),
    generator: share(used.generator),
    other: share(after.machine - before.machine - used.strapi - used.redis - used.generator),
    strapiWaiting: share(after.strapiWaiting - before.strapiWaiting),
  };
};

/**
 * Strapi's CPU per request sent between two snapshots. At the soak's rate requests come one at a
 * time; at capacity many share each event-loop turn and each Redis write, so each costs less.
 */
const strapiCpuMsPerRequest = (before: Awaited<ReturnType<typeof cpuSnapshot>>, after: typeof before, run: SoakReport) => {
  const { answered, unavailable, dropped, noAnswer } = run.requests;
  return (after.strapi - before.strapi) / (answered + unavailable + dropped + noAnswer);
};

/**
 * Of the requests at or above a run's p99: the share that opened a new connection, beside that share
 * over all its requests. A Node 20 process accepts one connection per event-loop turn (its libuv,
 * libuv/libuv#3696), so under load a new connection waits a turn for each one ahead of it.
 */
const newConnectionShares = (run: SoakReport) => {
  const p99 = percentile(run.latenciesMs, 99);
  const share = (flags: boolean[]) => `${fixed((flags.filter(Boolean).length / flags.length) * 100, 0)} %`;
  return { slowest: share(run.onNewConnection.filter((_, i) => run.latenciesMs[i] >= p99)), all: share(run.onNewConnection) };
};

/** p99 of the requests that went over a connection already open. */
const p99OnOpenConnections = (run: SoakReport) => percentile(run.latenciesMs.filter((_, i) => !run.onNewConnection[i]), 99);

const main = async () => {
  // Other work on the machine moves latency more than anything measured here: say how busy it was.
  const loadBefore = os.loadavg().map((load) => fixed(load, 1)).join(', ');
  // Clustering off: its scheduled check (every 10 minutes by the clock) would start the site's first
  // run during a soak, and its fit takes a CPU of this two-CPU machine for seconds (README, the soak).
  const server = await startBenchServer({ identity: { secret: IDENTITY_SECRET }, ingest: { perIpPerMinute: 1_000_000, perVisitorPerMinute: 1_000_000 }, clusters: { enabled: false } });
  const redis = new Redis({ port: server.redisPort });
  try {
    const sender = (path: string | undefined, maxInFlight: number, dropAnswers = 0): SenderOptions => ({ url: server.url, path, visitors: visitors(), credentialOf: (id) => credentialFromSecret(id), maxInFlight, dropAnswers });
    const runs: SoakReport[] = [];
    const run = async (started: Promise<SoakReport>) => {
      const result = await started;
      runs.push(result);
      return result;
    };

    /**
     * The soaks of one route: its capacity (32 senders back to back), then one open-loop soak per
     * share of it, each between two unloaded runs (one request at a time, pooled: a moment of machine
     * noise weighs less). `around` measures what the route's own report needs around each soak.
     */
    const soakRoute = async <Before, Extra>(path: string | undefined, around: { before(): Promise<Before>; after(soak: SoakReport, before: Before): Promise<Extra> }) => {
      await run(runClosedLoop({ ...sender(path, 32), durationMs: 3_000 })); // warm-up
      let unloadedBefore = await run(runClosedLoop({ ...sender(path, 1), durationMs: 5_000 }));
      const cpuBeforeCapacity = await cpuSnapshot(redis, server.pid as number);
      const capacity = await run(runClosedLoop({ ...sender(path, 32), durationMs: 10_000 }));
      const capacityPerSecond = capacity.batches / (capacity.elapsedMs / 1000);
      const cpuMsPerRequestAtCapacity = strapiCpuMsPerRequest(cpuBeforeCapacity, await cpuSnapshot(redis, server.pid as number), capacity);
      const soaks: { share: number; rate: number; soak: SoakReport; unloaded: number[]; cpu: ReturnType<typeof cpuShares>; cpuMsPerRequest: number; extra: Extra }[] = [];
      for (const share of LOAD_SHARES) {
        const rate = Math.round(capacityPerSecond * share);
        const cpuBefore = await cpuSnapshot(redis, server.pid as number);
        const before = await around.before();
        const soak = await run(runSoak({ ...sender(path, 256, 0.05), batchesPerSecond: rate, durationMs: SECONDS * 1000 }));
        const cpuAfter = await cpuSnapshot(redis, server.pid as number);
        const cpu = cpuShares(cpuBefore, cpuAfter, soak.elapsedMs);
        const extra = await around.after(soak, before);
        const unloadedAfter = await run(runClosedLoop({ ...sender(path, 1), durationMs: 5_000 }));
        soaks.push({ share, rate, soak, unloaded: [...unloadedBefore.latenciesMs, ...unloadedAfter.latenciesMs], cpu, cpuMsPerRequest: strapiCpuMsPerRequest(cpuBefore, cpuAfter, soak), extra });
        unloadedBefore = unloadedAfter;
      }
      return { capacityPerSecond, cpuMsPerRequestAtCapacity, soaks };
    };
    const reportTail = ({ soak, unloaded, cpu, cpuMsPerRequest }: { soak: SoakReport; unloaded: number[]; cpu: ReturnType<typeof cpuShares>; cpuMsPerRequest: number }, cpuMsPerRequestAtCapacity: number) => {
      const connections = newConnectionShares(soak);
      report('unloaded, one at a time, before and after: p50 / p99 (ms)', `${fixed(percentile(unloaded, 50), 1)} / ${fixed(percentile(unloaded, 99), 1)}`);
      report('soak: p50 / p99 (ms)', `${fixed(percentile(soak.latenciesMs, 50), 1)} / ${fixed(percentile(soak.latenciesMs, 99), 1)}`);
      report('p99 soak / unloaded (target <= 3)', fixed(percentile(soak.latenciesMs, 99) / percentile(unloaded, 99)));
      report('requests on a new connection: of the slowest 1 % / of all', `${connections.slowest} / ${connections.all}`);
      report('p99 of requests on an open connection / unloaded', fixed(p99OnOpenConnections(soak) / percentile(unloaded, 99)));
      report('CPU during the soak, % of one CPU (2 CPUs = 200 %)', `Strapi ${cpu.strapi}, Redis ${cpu.redis}, load generator ${cpu.generator}, all else ${cpu.other}`);
      report('Strapi event loop thread ready but waiting for a CPU', `${cpu.strapiWaiting} of the time`);
      report('Strapi CPU per request (ms): soak / capacity run', `${fixed(cpuMsPerRequest)} / ${fixed(cpuMsPerRequestAtCapacity)}`);
      return percentile(soak.latenciesMs, 99) / percentile(unloaded, 99);
    };

    console.log(`\nload average of the machine before the run: ${loadBefore}`);
    const ingest = await soakRoute(undefined, {
      before: async () => {
        await server.pauses();
        const generatorDelay = monitorEventLoopDelay({ resolution: 1 });
        generatorDelay.enable();
        return generatorDelay;
      },
      after: async (soak, generatorDelay) => {
        generatorDelay.disable();
        const pauses = await server.pauses();
        let wrongVisitors = 0;
        for (const [id, sent] of soak.sent) if (!isDeepStrictEqual(await heldByVisitor(redis, id), expectedOfVisitor(sent))) wrongVisitors += 1;
        return { pauses, generatorDelay: { p99: generatorDelay.percentile(99) / 1e6, max: generatorDelay.max / 1e6 }, wrongVisitors };
      },
    });
    report('ingest capacity: 32 senders back to back (batches/s)', fixed(ingest.capacityPerSecond, 0));
    const ingestRatios = ingest.soaks.map((measured) => {
      const { share, rate, soak, extra: { pauses, generatorDelay, wrongVisitors } } = measured;
      const soakEvents = sumCounts(soak.sent.values());
      console.log(`\nsoak: ${SECONDS} s open-loop at ${fixed(share * 100, 0)} % of capacity, ${VISITORS} visitors, 1 to 10 events a batch, 5 % of answers dropped`);
      report('steady rate (batches/s)', String(rate));
      const ratio = reportTail(measured, ingest.cpuMsPerRequestAtCapacity);
      report('soak: events/s served (distinct)', fixed((soakEvents.pages + soakEvents.tracks) / (soak.elapsedMs / 1000), 0));
      report('soak: batches; requests answered / dropped / 503 / no answer', `${soak.batches}; ${soak.requests.answered} / ${soak.requests.dropped} / ${soak.requests.unavailable} / ${soak.requests.noAnswer}`);
      report('soak: requests that waited for one of 256 slots', String(soak.waitedForSlot));
      report('soak: time to settle every batch past the schedule (ms)', fixed(soak.elapsedMs - soak.scheduledMs, 0));
      report('Strapi event loop delay during the soak: p99 / max (ms)', `${fixed(pauses.loopDelayP99Ms, 1)} / ${fixed(pauses.loopDelayMaxMs, 1)}`);
      report('Strapi garbage collection: pauses, total, longest (ms)', `${pauses.gc.count}, ${fixed(pauses.gc.totalMs, 0)}, ${fixed(pauses.gc.maxMs, 1)}`);
      report('load generator event loop delay: p99 / max (ms)', `${fixed(generatorDelay.p99, 1)} / ${fixed(generatorDelay.max, 1)}`);
      report('visitors whose counters differ from what was sent', `${wrongVisitors} of ${soak.sent.size}`);
      return ratio;
    });

    // Exact counts site-wide, over every run of the ingest endpoint (warm-up, unloaded, capacity and soaks).
    const sent = sumCounts(runs.flatMap((result) => [...result.sent.values()]));
    const site = await siteCounts(redis);
    const [fewest, most] = runs.map(duplicatesRange).reduce(([a, b], [c, d]) => [a + c, b + d], [0, 0]);
    console.log('\nall runs of the ingest endpoint');
    report('site events: counted / distinct sent', `${site.pages + site.tracks} / ${sent.pages + sent.tracks} ${site.pages === sent.pages && site.tracks === sent.tracks ? '(exact)' : '(WRONG)'}`);
    report('site duplicates: counted (expected range)', `${site.duplicates} (${fewest} to ${most})`);
    report('other answers (should be none)', String(runs.reduce((sum, result) => sum + result.other.length, 0)));

    // Strapi's own floor under the same soak: the same batches, drops and retries posted to a no-op
    // route of the same app (body parsing, routing, middlewares, nothing else), at the same shares of
    // that route's own capacity. Its tail is what any route of this process gets under such a load.
    const floor = await soakRoute(BENCH_FLOOR_PATH, { before: async () => undefined, after: async () => undefined });
    console.log(`\nStrapi's floor: the same soaks to a no-op POST route (${BENCH_FLOOR_PATH})`);
    report('floor capacity: 32 senders back to back (batches/s)', fixed(floor.capacityPerSecond, 0));
    floor.soaks.forEach((measured, i) => {
      console.log(`\nfloor soak at ${fixed(measured.share * 100, 0)} % of its capacity`);
      const ratio = reportTail(measured, floor.cpuMsPerRequestAtCapacity);
      report('ingest p99 ratio / floor p99 ratio, same share', fixed(ingestRatios[i] / ratio));
    });
    report('floor: other answers (should be none)', String(floor.soaks.reduce((sum, { soak }) => sum + soak.other.length, 0)));
  } finally {
    redis.disconnect();
    await server.stop();
  }
};

main().catch((error) => {
  console.error(error);
  process.exit(1);
});
