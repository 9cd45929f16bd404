/**
 * Background re-evaluation passes, shared by instances (`npm run bench -- passes`).
 *
 * 50,000 synthetic profiles (tests/helpers/synthetic-profiles.ts) whose latest visit is spread
 * evenly over the last 90 days (a retention period's worth of visitors, most not active lately),
 * each with daily buckets on its last day; 20 segments of realistic shapes (the templates and the
 * benchmark shapes of `lib/fifty-segments.ts`: windows up to 30 days, days since, topics, devices),
 * not the percentile template (with a percentile rule a scheduled pass reads every profile: it is
 * then as long as a full pass, measured here too). One Redis, Strapi instances in their own
 * processes on one database, as a site runs them.
 *
 * Measured: a full pass (after a segment change) and a scheduled pass (only what time can change),
 * each with 1 and with 2 instances; profiles scanned per second of wall time, per instance; Redis
 * CPU per profile scanned. Then the 10-million-profile, 4-instance projection from those figures.
 * The baseline is the 1-instance full pass of the same run.
 */
import fs from 'fs';
import os from 'os';
import path from 'path';
import { RedisCoordinationStore } from '../../server/src/coordination/store/redis-coordination-store';
import { RedisConnection } from '../../server/src/store/redis/redis-connection';
import { startRedis } from '../helpers/redis-server';
import { syntheticProfiles } from '../helpers/synthetic-profiles';
import { segmentsWithoutPercentile } from './lib/fifty-segments';
import { fixed, report, startBenchServer } from './lib/harness';

const PROFILES = 50_000;
const RETENTION_DAYS = 90;
const DAY = 86_400;
const ROUNDS = 2;


const main = async () => {
  const redis = await startRedis();
  const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'psn-bench-passes-'));
  const now = Math.floor(Date.now() / 1000);
  const connection = new RedisConnection({ url: redis.url, commandTimeoutMs: 10_000 }, 'psn:');
  await connection.connect(5_000);
  const coordination = new RedisCoordinationStore(connection);
  let seed = 42;
  const random = () => (seed = (seed * 16_807) % 2_147_483_647) / 2_147_483_647;
  for (let start = 0; start < PROFILES; start += 1_000) {
    const pipeline = connection.client.pipeline();
    for (const { visitorId, profile } of syntheticProfiles(1_000, now, 100 + start / 1_000)) {
      const id = `bench-visitor-${start}-${visitorId}`;
      const lastSeen = now - Math.floor(random() * RETENTION_DAYS * DAY);
      const day = Math.floor(lastSeen / DAY);
      const keys = connection.visitorKeys(id, now);
      const fields: Record<string, string> = { ...profile.fields, ls: String(lastSeen), ss: String(lastSeen), fs: String(Math.min(Number(profile.fields.fs), lastSeen)) };
      pipeline.hset(keys.profile, fields).expire(keys.profile, RETENTION_DAYS * DAY);
      pipeline.hset(keys.windows, { [`${day}:pv`]: fields.pv, [`${day}:sn`]: fields.sn, [`${day}:e:CTA Clicked`]: '1', [`${day}:c:video`]: '1' }).expire(keys.windows, RETENTION_DAYS * DAY);
    }
    await pipeline.exec();
  }
  const redisCpuSec = async () => {
    const info = await connection.client.info('cpu');
    const value = (name: string) => Number(new RegExp(`${name}:([\\d.]+)`).exec(info)![1]);
    return value('used_cpu_sys') + value('used_cpu_user');
  };

  const env = { BENCH_REDIS_URL: redis.url, BENCH_DATABASE_FILE: path.join(tmp, 'shared.db') };
  const pluginConfig = { segments: segmentsWithoutPercentile(20), segmentJobs: { batchSize: 500 } };
  const first = await startBenchServer(pluginConfig, undefined, env);
  // The pass of the segments synced at boot: every profile gets its membership.
  await first.request({ pass: 'all' });
  const servers = [first];

  const measure = async (scope: 'all' | 'time', instances: number) => {
    const cpuBefore = await redisCpuSec();
    await Promise.all(servers.slice(0, instances).map((server) => server.request({ pass: scope })));
    // An instance is idle once no partition is left to claim: the other may still be finishing.
    let pass = await coordination.readPass('reevaluation');
    while (pass?.state !== 'done') {
      await new Promise((resolve) => setTimeout(resolve, 50));
      pass = await coordination.readPass('reevaluation');
    }
    const cpu = (await redisCpuSec()) - cpuBefore;
    const seconds = (pass.finishedAt! - pass.startedAt) / 1000;
    const status = { scanned: pass.totals.scanned, evaluated: pass.totals.evaluated, partitions: pass.partitions, instances: Object.keys(pass.finishedBy).length };
    return { status, seconds, perInstance: status.scanned / seconds / instances, redisMicrosPerProfile: (cpu * 1e6) / status.scanned };
  };
  const best = async (scope: 'all' | 'time', instances: number) => {
    const runs = [];
    for (let round = 0; round < ROUNDS; round++) runs.push(await measure(scope, instances));
    return runs.sort((a, b) => a.seconds - b.seconds)[0];
  };

  const results: Record<string, Awaited<ReturnType<typeof measure>>> = {};
  results['full, 1 instance'] = await best('all', 1);
  results['scheduled, 1 instance'] = await best('time', 1);
  servers.push(await startBenchServer(pluginConfig, undefined, env));
  results['full, 2 instances'] = await best('all', 2);
  results['scheduled, 2 instances'] = await best('time', 2);
  await Promise.all(servers.map((server) => server.stop()));
  await connection.close();
  await redis.stop();
  fs.rmSync(tmp, { recursive: true, force: true });

  const baseline = results['full, 1 instance'].perInstance;
  console.log(`\nre-evaluation passes: ${PROFILES.toLocaleString('en')} profiles, last visits over ${RETENTION_DAYS} days, 20 segments (longest lookback 30 days), one Redis, ${os.cpus().length} CPUs`);
  for (const [name, { status, seconds, perInstance, redisMicrosPerProfile }] of Object.entries(results)) {
    report(
      `${name}${name === 'full, 1 instance' ? ' — baseline' : ''}`,
      `${fixed(seconds, 1)} s, ${fixed(perInstance, 0)} profiles/s per instance (×${fixed(perInstance / baseline, 2)}), ` +
        `${status.partitions} partitions, ${status.instances} instance(s) took partitions, evaluated ${fixed((100 * status.evaluated) / status.scanned, 0)} % of ${status.scanned.toLocaleString('en')} scanned, Redis ${fixed(redisMicrosPerProfile, 1)} µs/profile`
    );
  }
  const tenMillion = 10_000_000;
  const project = (name: string) => (tenMillion / (4 * results[name].perInstance) / 60).toFixed(1);
  console.log('\nprojection: 10 million profiles, 4 instances (one CPU each), at the 1-instance rate per instance (target: 10 min)');
  report('full pass (a segment change; or a scheduled pass when a percentile rule exists)', `${project('full, 1 instance')} min`);
  report('scheduled pass (this population: a third active within the 30-day lookback)', `${project('scheduled, 1 instance')} min`);
  report('the same at the 2-instance rate measured on this 2-CPU machine (full / scheduled)', `${project('full, 2 instances')} / ${project('scheduled, 2 instances')} min`);
  const redisMinutes = (name: string) => ((tenMillion * results[name].redisMicrosPerProfile) / 1e6 / 60).toFixed(1);
  report('Redis CPU for it, all shards together (full / scheduled)', `${redisMinutes('full, 1 instance')} / ${redisMinutes('scheduled, 1 instance')} min`);
};

main().catch((error) => {
  console.error(error);
  process.exit(1);
});
