import { spawn, type ChildProcess } from 'child_process';
import fs from 'fs';
import path from 'path';
import autocannon from 'autocannon';

/** What held the bench server's event loop up since it was last asked (see bench-server.ts). */
export interface ServerPauses {
  loopDelayP99Ms: number;
  loopDelayMaxMs: number;
  gc: { count: number; totalMs: number; maxMs: number };
}

/** Starts `bench-server` (bundled by `npm run bench` into lib/ beside the bench) and waits for its URL. */
export const startBenchServer = async (
  pluginConfig: Record<string, unknown> = {},
  setup?: 'resolution' | 'recommendations' | 'triggers' | 'funnels',
  env: Record<string, string> = {}
): Promise<{ url: string; redisPort: number; [extra: string]: unknown; pauses(): Promise<ServerPauses>; stop(): Promise<void>; request<T>(message: unknown): Promise<T> }> => {
  const nodeOptions = process.env.BENCH_SERVER_NODE_OPTIONS?.split(' ') ?? [];
  const child: ChildProcess = spawn(process.execPath, [...nodeOptions, path.join(__dirname, 'lib', 'bench-server.js')], {
    env: { ...process.env, ...env, BENCH_PLUGIN_CONFIG: JSON.stringify(pluginConfig), BENCH_SETUP: setup ?? '', STRAPI_LOG_LEVEL: 'error' },
    stdio: ['ignore', 'pipe', 'inherit', 'ipc'],
  });
  const ready = await new Promise<{ url: string; redisPort: number; [extra: string]: unknown }>((resolve, reject) => {
    let buffer = '';
    child.stdout!.on('data', (chunk: Buffer) => {
      buffer += chunk.toString();
      // Only a complete line: the ready line can span several chunks (5,000 credentials).
      const line = buffer.split('\n').slice(0, -1).find((candidate) => candidate.startsWith('{'));
      if (line) resolve(JSON.parse(line));
    });
    child.once('exit', (code) => reject(new Error(`bench server exited with ${code}`)));
  });
  return {
    ...ready,
    /** Sends an IPC message and resolves to the next message the server sends back. */
    request: <T>(message: unknown) =>
      new Promise<T>((resolve) => {
        child.once('message', (reply) => resolve(reply as T));
        child.send(message as object);
      }),
    pauses: () =>
      new Promise((resolve) => {
        const answer = (message: { pauses?: ServerPauses }) => {
          if (!message.pauses) return;
          child.off('message', answer);
          resolve(message.pauses);
        };
        child.on('message', answer);
        child.send('pauses');
      }),
    stop: () =>
      new Promise((resolve) => {
        if (child.exitCode !== null) return resolve();
        child.once('exit', () => resolve());
        child.send('stop');
      }),
  };
};

export interface LoadResult {
  requestsPerSec: number;
  p50Ms: number;
  p99Ms: number;
  non2xx: number;
  errors: number;
  /** CPU ms per request of each process `compare` was asked to watch. */
  cpuMsPerRequest?: number[];
}

/** One autocannon run. */
export const load = async (options: autocannon.Options): Promise<LoadResult> => {
  const result = await autocannon({ connections: 32, pipelining: 1, ...options });
  return {
    requestsPerSec: result.requests.average,
    p50Ms: result.latency.p50,
    p99Ms: result.latency.p99,
    non2xx: result.non2xx,
    errors: result.errors + result.timeouts,
  };
};

/**
 * Alternates baseline and subject runs (`rounds` each, after a warm-up of both) so that both see
 * the same machine noise, and reports the medians of the runs. With `cpuPids` (each side's processes,
 * e.g. its Strapi and its redis-server), also the CPU ms each request cost each of them
 * (`cpuMsPerRequest`, in the order given): less sensitive than throughput to what else the machine runs.
 */
export const compare = async (
  baseline: autocannon.Options,
  subject: autocannon.Options,
  { rounds = 3, seconds = 8, cpuPids }: { rounds?: number; seconds?: number; cpuPids?: [number[], number[]] } = {}
): Promise<{ baseline: LoadResult; subject: LoadResult; ratio: number }> => {
  await load({ ...baseline, duration: 3 });
  await load({ ...subject, duration: 3 });
  const measured = async (options: autocannon.Options, pids: number[] = []): Promise<LoadResult> => {
    const before = pids.map(processCpuMs);
    const result = await load({ ...options, duration: seconds });
    const requests = result.requestsPerSec * seconds;
    return pids.length > 0 ? { ...result, cpuMsPerRequest: pids.map((pid, i) => (processCpuMs(pid) - before[i]) / requests) } : result;
  };
  const runs: { baseline: LoadResult[]; subject: LoadResult[] } = { baseline: [], subject: [] };
  for (let round = 0; round < rounds; round++) {
    runs.baseline.push(await measured(baseline, cpuPids?.[0]));
    runs.subject.push(await measured(subject, cpuPids?.[1]));
  }
  // Medians of the alternating runs: one run disturbed by the machine does not move the figure.
  const median = (values: number[]) => {
    const sorted = [...values].sort((a, b) => a - b);
    const middle = Math.floor(sorted.length / 2);
    return sorted.length % 2 === 1 ? sorted[middle] : (sorted[middle - 1] + sorted[middle]) / 2;
  };
  const summarize = (results: LoadResult[]): LoadResult => ({
    requestsPerSec: median(results.map((r) => r.requestsPerSec)),
    p50Ms: median(results.map((r) => r.p50Ms)),
    p99Ms: median(results.map((r) => r.p99Ms)),
    non2xx: results.reduce((sum, r) => sum + r.non2xx, 0),
    errors: results.reduce((sum, r) => sum + r.errors, 0),
    ...(results[0].cpuMsPerRequest ? { cpuMsPerRequest: results[0].cpuMsPerRequest.map((_, i) => median(results.map((r) => r.cpuMsPerRequest![i]))) } : {}),
  });
  const summary = { baseline: summarize(runs.baseline), subject: summarize(runs.subject) };
  return { ...summary, ratio: summary.subject.requestsPerSec / summary.baseline.requestsPerSec };
};

export const fixed = (value: number, digits = 2) => value.toFixed(digits);

/** One result line, `name: value`, easy to copy into the README table. */
export const report = (name: string, value: string) => console.log(`  ${name.padEnd(52)} ${value}`);

const CLOCK_TICKS_PER_SEC = 100; // Linux's USER_HZ (getconf CLK_TCK)

/** User + system CPU of a process so far, ms (from /proc). */
export const processCpuMs = (pid: number): number => {
  const fields = fs.readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1].split(' ');
  return ((Number(fields[11]) + Number(fields[12])) * 1000) / CLOCK_TICKS_PER_SEC;
};

/** CPU time the whole machine has been busy so far, all CPUs, ms (from /proc/stat): what every process took. */
export const machineBusyMs = (): number => {
  const [user, nice, system, , , irq, softirq, steal] = fs.readFileSync('/proc/stat', 'utf8').split('\n')[0].split(/\s+/).slice(1).map(Number);
  return ((user + nice + system + irq + softirq + steal) * 1000) / CLOCK_TICKS_PER_SEC;
};

/**
 * Time a process's main thread (Node's event loop) has spent ready to run but waiting for a CPU,
 * so far, ms (from /proc/<pid>/schedstat): what other processes on the machine cost its latency.
 */
export const runQueueWaitMs = (pid: number): number => Number(fs.readFileSync(`/proc/${pid}/schedstat`, 'utf8').split(' ')[1]) / 1e6;
