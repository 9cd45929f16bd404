/**
 * What a SIGKILL of redis-server loses under each `appendfsync` policy: 16 clients increment one
 * counter as fast as they can for 1.5 s; Redis is killed (SIGKILL) and restarted from its
 * append-only file; the counter is compared with the increments Redis acknowledged. A crash of the
 * process, not of the machine: what the process wrote to the file is in the operating system's hands
 * and survives, whatever the fsync policy (a power loss is another matter, see When Redis fails).
 * Also how many writes each policy lets through in that time.
 */
import { Redis } from 'ioredis';
import { startRedis } from '../helpers/redis-server';
import { report } from './lib/harness';

const WORKERS = 16;
const LOAD_MS = 1_500;

const killUnderLoad = async (appendfsync: 'always' | 'everysec' | 'no') => {
  const redis = await startRedis({ appendfsync });
  // As the plugin's client: no offline queue, no retry of a command whose connection dropped.
  const client = new Redis({ port: redis.port, enableOfflineQueue: false, maxRetriesPerRequest: 0, autoResendUnfulfilledCommands: false, lazyConnect: true });
  client.on('error', () => {});
  await client.connect();
  let acknowledged = 0;
  let running = true;
  const workers = Array.from({ length: WORKERS }, async () => {
    while (running) {
      try {
        await client.incr('counter');
        acknowledged += 1;
      } catch {
        return;
      }
    }
  });
  await new Promise((resolve) => setTimeout(resolve, LOAD_MS));
  await redis.kill();
  running = false;
  await Promise.all(workers);
  client.disconnect();
  await redis.restart();
  const stored = Number(await redis.client.get('counter'));
  await redis.stop();
  return { acknowledged, stored };
};

const main = async () => {
  console.log(`\nSIGKILL of redis-server after ${LOAD_MS} ms of INCR from ${WORKERS} clients, restarted from its append-only file`);
  for (const policy of ['everysec', 'always', 'no'] as const) {
    const { acknowledged, stored } = await killUnderLoad(policy);
    report(`appendfsync ${policy}: acknowledged / after restart / lost`, `${acknowledged} / ${stored} / ${Math.max(0, acknowledged - stored)}`);
  }
};

main().catch((error) => {
  console.error(error);
  process.exit(1);
});
