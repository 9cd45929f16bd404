import { spawn } from 'child_process';
import fs from 'fs';
import os from 'os';
import path from 'path';
import { Redis } from 'ioredis';
import { freePort } from './free-port';
import { startRedis, type PrivateRedis } from './redis-server';
import { waitFor } from './wait-for';

export const MASTER_NAME = 'psn-master';

export interface PrivateSentinelGroup {
  /** What the plugin's `redis.sentinel` option takes. */
  sentinel: { name: string; nodes: { host: string; port: number }[] };
  master: PrivateRedis;
  replica: PrivateRedis;
  /** The port of the master as the sentinel reports it now. */
  masterPort(): Promise<number>;
  /** The master goes down; resolves once the sentinel has promoted the replica. */
  loseMaster(): Promise<void>;
  stop(): Promise<void>;
}

/**
 * A master, one replica and one sentinel watching them, all private `redis-server`s on free ports
 * (the sentinel is `redis-server --sentinel` with a config file of its own, as Redis ships it).
 * Ready when the replica is in sync and the sentinel knows it: a failover needs both.
 */
export const startSentinelGroup = async (): Promise<PrivateSentinelGroup> => {
  const master = await startRedis();
  const replica = await startRedis({ args: ['--replicaof', '127.0.0.1', String(master.port)] });
  const port = await freePort();
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'psn-sentinel-'));
  const configFile = path.join(dir, 'sentinel.conf');
  fs.writeFileSync(
    configFile,
    [
      `port ${port}`,
      'bind 127.0.0.1',
      `dir ${dir}`,
      `sentinel monitor ${MASTER_NAME} 127.0.0.1 ${master.port} 1`,
      `sentinel down-after-milliseconds ${MASTER_NAME} 2000`,
      `sentinel failover-timeout ${MASTER_NAME} 10000`,
      '',
    ].join('\n')
  );
  const child = spawn('redis-server', [configFile, '--sentinel'], { stdio: 'ignore' });
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  const client = new Redis({ port, host: '127.0.0.1', lazyConnect: true, maxRetriesPerRequest: 0, retryStrategy: () => 100 });
  client.on('error', () => {});
  await waitFor('the sentinel', () => client.ping().then(() => true, () => undefined), 10_000);
  await waitFor('the replica in sync', async () => ((await replica.client.info('replication')).includes('master_link_status:up') ? true : undefined), 15_000);
  await waitFor('the sentinel to know the replica', async () => (((await client.call('SENTINEL', 'REPLICAS', MASTER_NAME)) as unknown[]).length > 0 ? true : undefined), 30_000);

  const masterPort = async () => Number(((await client.call('SENTINEL', 'GET-MASTER-ADDR-BY-NAME', MASTER_NAME)) as string[])[1]);
  return {
    sentinel: { name: MASTER_NAME, nodes: [{ host: '127.0.0.1', port }] },
    master,
    replica,
    masterPort,
    async loseMaster() {
      await master.stop();
      await waitFor('the replica promoted', async () => ((await masterPort()) === replica.port && (await replica.client.info('replication')).includes('role:master') ? true : undefined), 30_000);
    },
    async stop() {
      client.disconnect();
      child.kill('SIGTERM');
      await exited;
      fs.rmSync(dir, { recursive: true, force: true });
      await Promise.all([replica.stop(), master.stop()]); // a second stop of a lost master is harmless
    },
  };
};
