import { Cluster } from 'ioredis';
import { channelName, changeVersionsKey, jobStatusKey, lockKey } from '../../store/keys';
import type { RedisConnection } from '../../store/redis/redis-connection';
import { countsOf } from '../../store/redis/replies';
import type { CoordinationStore } from './coordination-store';

const JOB_STATUS_TTL_SEC = 7 * 86_400;
const SUBSCRIBE_WAIT_MS = 1_000;

/** KEYS: lock   ARGV: owner   Releases the lock only if this owner still holds it. */
const RELEASE_LOCK_SCRIPT = `if redis.call('GET', KEYS[1]) == ARGV[1] then return redis.call('DEL', KEYS[1]) end return 0`;

export class RedisCoordinationStore implements CoordinationStore {
  private readonly scripts;

  constructor(private readonly redis: RedisConnection) {
    this.scripts = redis.script<'psnReleaseLock', (key: string, owner: string) => Promise<number>>('psnReleaseLock', 1, RELEASE_LOCK_SCRIPT);
  }

  async acquireLock(name: string, owner: string, ttlSec: number): Promise<boolean> {
    const { client, keyPrefix } = this.redis;
    const key = lockKey(keyPrefix, name);
    if ((await client.set(key, owner, 'EX', ttlSec, 'NX')) === 'OK') return true;
    if ((await client.get(key)) !== owner) return false;
    await client.expire(key, ttlSec);
    return true;
  }

  async releaseLock(name: string, owner: string): Promise<void> {
    await this.scripts.psnReleaseLock(lockKey(this.redis.keyPrefix, name), owner);
  }

  async writeJobStatus(name: string, status: Record<string, unknown>): Promise<void> {
    await this.redis.client.set(jobStatusKey(this.redis.keyPrefix, name), JSON.stringify(status), 'EX', JOB_STATUS_TTL_SEC);
  }

  async readJobStatus(name: string): Promise<Record<string, unknown> | null> {
    const raw = await this.redis.client.get(jobStatusKey(this.redis.keyPrefix, name));
    return raw ? (JSON.parse(raw) as Record<string, unknown>) : null;
  }

  async publish(channel: string, message: string): Promise<void> {
    await this.redis.client.publish(channelName(this.redis.keyPrefix, channel), message);
  }

  async announceChange(topic: string, message: string): Promise<number> {
    const [version] = await Promise.all([
      this.redis.client.hincrby(changeVersionsKey(this.redis.keyPrefix), topic, 1),
      // A lost message is made up for by the counter: a failed publish needs no retry.
      this.publish(topic, message).catch(() => {}),
    ]);
    return version;
  }

  async changeVersions(): Promise<Record<string, number>> {
    return countsOf(await this.redis.client.hgetall(changeVersionsKey(this.redis.keyPrefix)));
  }

  async subscribe(channel: string, onMessage: (message: string) => void): Promise<() => Promise<void>> {
    // A subscribed connection can do nothing else: it gets its own, which queues the SUBSCRIBE
    // until Redis is reachable and subscribes again after every reconnection.
    const { client } = this.redis;
    const options = { enableOfflineQueue: true, lazyConnect: false };
    const subscriber = client instanceof Cluster ? client.duplicate(undefined, options) : client.duplicate(options);
    subscriber.on('error', () => {});
    const name = channelName(this.redis.keyPrefix, channel);
    subscriber.on('message', (received: string, message: string) => {
      if (received === name) onMessage(message);
    });
    // Wait for the subscription while Redis answers, but never hold up a boot while it does not.
    let timer: NodeJS.Timeout | undefined;
    await Promise.race([
      subscriber.subscribe(name).catch(() => {}),
      new Promise((resolve) => {
        timer = setTimeout(resolve, SUBSCRIBE_WAIT_MS);
      }),
    ]);
    clearTimeout(timer);
    return async () => {
      subscriber.disconnect();
    };
  }
}
