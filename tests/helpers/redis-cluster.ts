import { execFile } from 'child_process';
import { promisify } from 'util';
import { Cluster } from 'ioredis';
import { freePort } from './free-port';
import { startRedis, type PrivateRedis } from './redis-server';
import { sleep } from './wait-for';

export interface PrivateRedisCluster {
  /** What the plugin's `redis.cluster` option takes. */
  nodes: { host: string; port: number }[];
  /** The masters, each with a plain client of its own (for per-node assertions). */
  masters: PrivateRedis[];
  /** A cluster client for assertions on what the plugin wrote. */
  client: Cluster;
  stop(): Promise<void>;
}

const run = promisify(execFile);

/**
 * Starts a Redis Cluster of `masters` private `redis-server`s (no replicas) on free ports, joined by
 * Redis's own `redis-cli --cluster create`, and waits until every node reports the cluster ok.
 * The bus port is chosen free too (`--cluster-port`), rather than Redis's default port + 10000,
 * which can fall outside the port range or on a port in use.
 */
export const startRedisCluster = async ({ masters = 3 } = {}): Promise<PrivateRedisCluster> => {
  const started: PrivateRedis[] = [];
  try {
    for (let index = 0; index < masters; index += 1) {
      const busPort = await freePort();
      started.push(
        await startRedis({
          args: ['--cluster-enabled', 'yes', '--cluster-config-file', 'nodes.conf', '--cluster-port', String(busPort), '--cluster-node-timeout', '5000'],
        })
      );
    }
    const addresses = started.map((node) => `127.0.0.1:${node.port}`);
    await run('redis-cli', ['--cluster', 'create', ...addresses, '--cluster-replicas', '0', '--cluster-yes']);
    const deadline = Date.now() + 30_000;
    for (const node of started) {
      while (!/cluster_state:ok/.test(await node.client.cluster('INFO'))) {
        if (Date.now() > deadline) throw new Error(`redis cluster node ${node.port} did not reach cluster_state:ok`);
        await sleep(100);
      }
    }
  } catch (error) {
    await Promise.all(started.map((node) => node.stop()));
    throw error;
  }
  const nodes = started.map((node) => ({ host: '127.0.0.1', port: node.port }));
  const client = new Cluster(nodes);
  return {
    nodes,
    masters: started,
    client,
    async stop() {
      client.disconnect();
      await Promise.all(started.map((node) => node.stop()));
    },
  };
};
