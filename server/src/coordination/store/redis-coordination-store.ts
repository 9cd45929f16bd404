import { Cluster } from 'ioredis';
import { channelName, changeVersionsKey, jobStatusKey, lockKey, passKey } from '../../store/keys';
import type { RedisConnection } from '../../store/redis/redis-connection';
import { countsOf, pairsToObject } from '../../store/redis/replies';
import type { CoordinationStore } from './coordination-store';
import { passOfHash, type PassProposal, type SharedPass } from './shared-pass';

const JOB_STATUS_TTL_SEC = 7 * 86_400;
const SUBSCRIBE_WAIT_MS = 1_000;

/** KEYS: lock   ARGV: owner   Releases the lock only if this owner still holds it. */
const RELEASE_LOCK_SCRIPT = `if redis.call('GET', KEYS[1]) == ARGV[1] then return redis.call('DEL', KEYS[1]) end return 0`;

/** The shared pass's transitions (`shared-pass.ts`; the memory driver does the same in TypeScript), on its one hash, KEYS[1]. */
const PASS_PRELUDE = `
local key = KEYS[1]
local function nowMs()
  local time = redis.call('TIME')
  return tonumber(time[1]) * 1000 + math.floor(tonumber(time[2]) / 1000)
end
local function running(passId)
  local held = redis.call('HMGET', key, 'id', 'state')
  return held[1] == passId and held[2] == 'running'
end
local function unclaim(partition)
  redis.call('HDEL', key, 'claim:' .. partition, 'until:' .. partition, 'progress:' .. partition)
end
`;

const PASS_SCRIPTS = {
  /** ARGV: id, version, partitions, startedAt, plan, ttlSec   Resolves to the hash and Redis's clock (ms). */
  psnBeginPass: `
local held = redis.call('HMGET', key, 'state', 'version', 'lastStartedAt', 'lastVersion')
if not (held[1] == 'running' and held[2] == ARGV[2]) then
  redis.call('DEL', key)
  redis.call('HSET', key, 'id', ARGV[1], 'version', ARGV[2], 'state', 'running', 'partitions', ARGV[3], 'done', 0, 'startedAt', ARGV[4], 'plan', ARGV[5])
  if held[3] then redis.call('HSET', key, 'lastStartedAt', held[3], 'lastVersion', held[4]) end
end
redis.call('EXPIRE', key, ARGV[6])
return {nowMs(), redis.call('HGETALL', key)}`,
  /** Resolves to the hash and Redis's clock (ms). */
  psnReadPass: `return {nowMs(), redis.call('HGETALL', key)}`,
  /** ARGV: passId, owner, ttlMs   Resolves to the partition claimed, or -1. */
  psnClaimPartition: `
if not running(ARGV[1]) then return -1 end
local now = nowMs()
local partitions = tonumber(redis.call('HGET', key, 'partitions'))
local first, last = 0, partitions - 1
if tonumber(redis.call('HGET', key, 'done')) >= partitions then first, last = partitions, partitions end
for partition = first, last do
  local claimedUntil = tonumber(redis.call('HGET', key, 'until:' .. partition) or '0')
  if claimedUntil < now and redis.call('HEXISTS', key, 'finished:' .. partition) == 0 then
    redis.call('HSET', key, 'claim:' .. partition, ARGV[2], 'until:' .. partition, now + tonumber(ARGV[3]), 'progress:' .. partition, 0)
    return partition
  end
end
return -1`,
  /** ARGV: passId, partition, owner, ttlMs, progress */
  psnRenewPartition: `
if not running(ARGV[1]) or redis.call('HGET', key, 'claim:' .. ARGV[2]) ~= ARGV[3] then return 0 end
redis.call('HSET', key, 'until:' .. ARGV[2], nowMs() + tonumber(ARGV[4]), 'progress:' .. ARGV[2], ARGV[5])
return 1`,
  /** ARGV: passId, partition, owner, totals (JSON), maxima (JSON) */
  psnFinishPartition: `
if not running(ARGV[1]) or redis.call('HGET', key, 'claim:' .. ARGV[2]) ~= ARGV[3] then return 0 end
unclaim(ARGV[2])
redis.call('HSET', key, 'finished:' .. ARGV[2], ARGV[3])
redis.call('HINCRBY', key, 'done', 1)
for name, value in pairs(cjson.decode(ARGV[4])) do redis.call('HINCRBYFLOAT', key, 't:' .. name, value) end
for name, value in pairs(cjson.decode(ARGV[5])) do
  local held = redis.call('HGET', key, 'm:' .. name)
  if not held or value > tonumber(held) then redis.call('HSET', key, 'm:' .. name, string.format('%.17g', value)) end
end
return 1`,
  /** ARGV: passId, partition, owner, error ('' for none) */
  psnReleasePartition: `
if not running(ARGV[1]) or redis.call('HGET', key, 'claim:' .. ARGV[2]) ~= ARGV[3] then return 0 end
unclaim(ARGV[2])
if ARGV[4] ~= '' then redis.call('HSET', key, 'error', ARGV[4]) end
return 1`,
  /** ARGV: passId, owner, finishedAt */
  psnCompletePass: `
local step = redis.call('HGET', key, 'partitions')
if not running(ARGV[1]) or redis.call('HGET', key, 'claim:' .. step) ~= ARGV[2] then return 0 end
unclaim(step)
local held = redis.call('HMGET', key, 'startedAt', 'version')
redis.call('HSET', key, 'state', 'done', 'finishedAt', ARGV[3], 'lastStartedAt', held[1], 'lastVersion', held[2])
return 1`,
};

type PassScripts = Record<keyof typeof PASS_SCRIPTS, (key: string, ...args: (string | number)[]) => Promise<unknown>>;

const PASS_TTL_SEC = 7 * 86_400;

export class RedisCoordinationStore implements CoordinationStore {
  private readonly scripts;

  private readonly passScripts: PassScripts;

  constructor(private readonly redis: RedisConnection) {
    this.scripts = redis.script<'psnReleaseLock', (key: string, owner: string) => Promise<number>>('psnReleaseLock', 1, RELEASE_LOCK_SCRIPT);
    for (const [name, body] of Object.entries(PASS_SCRIPTS)) redis.script(name, 1, PASS_PRELUDE + body);
    this.passScripts = redis.client as unknown as PassScripts;
  }

  private passKey(name: string): string {
    return passKey(this.redis.keyPrefix, name);
  }

  async beginPass(name: string, proposal: PassProposal): Promise<SharedPass> {
    const { id, version, partitions, startedAt, plan } = proposal;
    const reply = await this.passScripts.psnBeginPass(this.passKey(name), id, version, partitions, startedAt, plan, PASS_TTL_SEC);
    return this.passOfReply(reply)!;
  }

  async readPass(name: string): Promise<SharedPass | null> {
    return this.passOfReply(await this.passScripts.psnReadPass(this.passKey(name)));
  }

  private passOfReply(reply: unknown): SharedPass | null {
    const [nowMs, flat] = reply as [number, string[]];
    return passOfHash(pairsToObject(flat), nowMs);
  }

  async claimPartition(name: string, passId: string, owner: string, ttlMs: number): Promise<number | null> {
    const partition = (await this.passScripts.psnClaimPartition(this.passKey(name), passId, owner, ttlMs)) as number;
    return partition < 0 ? null : partition;
  }

  async renewPartition(name: string, passId: string, partition: number, owner: string, ttlMs: number, progress: number): Promise<boolean> {
    return (await this.passScripts.psnRenewPartition(this.passKey(name), passId, partition, owner, ttlMs, progress)) === 1;
  }

  async finishPartition(name: string, passId: string, partition: number, owner: string, totals: Record<string, number>, maxima: Record<string, number>): Promise<boolean> {
    const reply = await this.passScripts.psnFinishPartition(this.passKey(name), passId, partition, owner, JSON.stringify(totals), JSON.stringify(maxima));
    return reply === 1;
  }

  async releasePartition(name: string, passId: string, partition: number, owner: string, error?: string): Promise<void> {
    await this.passScripts.psnReleasePartition(this.passKey(name), passId, partition, owner, error ?? '');
  }

  async completePass(name: string, passId: string, owner: string, finishedAt: number): Promise<boolean> {
    return (await this.passScripts.psnCompletePass(this.passKey(name), passId, owner, finishedAt)) === 1;
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
