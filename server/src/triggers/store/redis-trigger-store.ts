import { isValidVisitorId, triggerKeys } from '../../store/keys';
import type { RedisConnection } from '../../store/redis/redis-connection';
import { StoreUsageError } from '../../store/store-usage-error';
import { APPLY_CHECKS_SCRIPT, CLAIM_SCRIPT, ERASE_SCRIPT, FIRE_SCRIPT, REPLAY_SCRIPT, SAVE_BODY_SCRIPT, SETTLE_SCRIPT } from './trigger-scripts';
import {
  DISARMED_KEEP_SEC,
  itemFromFields,
  KEEP_DEAD_SEC,
  KEEP_SETTLED_SEC,
  RECENT_CAP,
  type CheckOp,
  type FireOutcome,
  type FireRequest,
  type QueueItem,
  type Settlement,
  type TriggerStore,
} from './trigger-store';

type Script = (queue: string, ...args: (string | number)[]) => Promise<unknown>;
type Scripts = Record<'psnTrgChecks' | 'psnTrgSaveBody' | 'psnTrgFire' | 'psnTrgClaim' | 'psnTrgSettle' | 'psnTrgReplay' | 'psnTrgErase', Script>;

const fieldsOf = (flat: string[]): Record<string, string> => {
  const fields: Record<string, string> = {};
  for (let i = 0; i < flat.length; i += 2) fields[flat[i]] = flat[i + 1];
  return fields;
};

const checkVisitor = (visitorId: string) => {
  if (!isValidVisitorId(visitorId)) throw new StoreUsageError(`invalid visitor id ${JSON.stringify(visitorId)}`);
};

/** The Redis driver: one script per operation, on the `{trg}` slot. */
export class RedisTriggerStore implements TriggerStore {
  private readonly scripts: Scripts;
  private readonly keys;

  constructor(private readonly redis: RedisConnection) {
    this.keys = triggerKeys(redis.keyPrefix);
    const define = (name: keyof Scripts, lua: string) => redis.script<typeof name, Script>(name, 1, lua)[name];
    this.scripts = {
      psnTrgChecks: define('psnTrgChecks', APPLY_CHECKS_SCRIPT),
      psnTrgSaveBody: define('psnTrgSaveBody', SAVE_BODY_SCRIPT),
      psnTrgFire: define('psnTrgFire', FIRE_SCRIPT),
      psnTrgClaim: define('psnTrgClaim', CLAIM_SCRIPT),
      psnTrgSettle: define('psnTrgSettle', SETTLE_SCRIPT),
      psnTrgReplay: define('psnTrgReplay', REPLAY_SCRIPT),
      psnTrgErase: define('psnTrgErase', ERASE_SCRIPT),
    };
    // Commands defined on the client are methods of it: bind them.
    for (const name of Object.keys(this.scripts) as (keyof Scripts)[]) this.scripts[name] = this.scripts[name].bind(redis.client);
  }

  async applyChecks(ops: readonly CheckOp[], now: number): Promise<void> {
    if (ops.length === 0) return;
    const encoded = ops.map((check) => {
      if (check.op === 'disarm') {
        checkVisitor(check.visitorId);
        return { o: 'd', id: check.id, t: check.trigger, v: check.visitorId, at: check.at };
      }
      checkVisitor(check.item.visitorId);
      return { o: 'a', id: check.item.id, t: check.item.trigger, v: check.item.visitorId, due: check.item.dueAt, f: check.item.facts, at: check.at };
    });
    await this.scripts.psnTrgChecks(this.keys.queue, this.keys.base, now, KEEP_DEAD_SEC, DISARMED_KEEP_SEC, JSON.stringify(encoded));
  }

  async fire(request: FireRequest): Promise<FireOutcome> {
    checkVisitor(request.visitorId);
    const { delivery } = request;
    return (await this.scripts.psnTrgFire(
      this.keys.queue,
      this.keys.base,
      request.trigger,
      request.visitorId,
      Math.max(1, Math.round(request.cooldownSec * 1000)),
      request.maxPerMinute ?? 0,
      request.now,
      request.replacesCheck ?? '',
      delivery?.id ?? '',
      delivery?.dueAt ?? 0,
      delivery?.facts ?? '',
      RECENT_CAP,
      KEEP_DEAD_SEC
    )) as FireOutcome;
  }

  async claimDue(now: number, limit: number, leaseMs: number): Promise<QueueItem[]> {
    const claimed = (await this.scripts.psnTrgClaim(this.keys.queue, this.keys.base, now, limit, leaseMs)) as string[][];
    return claimed.map((flat) => itemFromFields(fieldsOf(flat))).filter((item): item is QueueItem => item !== null);
  }

  async saveBody(id: string, body: string): Promise<void> {
    await this.scripts.psnTrgSaveBody(this.keys.queue, this.keys.base, id, body);
  }

  async settle(id: string, settlement: Settlement, now: number): Promise<void> {
    const httpStatus = 'httpStatus' in settlement && settlement.httpStatus !== undefined ? settlement.httpStatus : '';
    const error = 'error' in settlement ? settlement.error.slice(0, 500) : '';
    const retryAt = settlement.status === 'pending' ? settlement.retryAt : 0;
    await this.scripts.psnTrgSettle(this.keys.queue, this.keys.base, id, settlement.status, now, retryAt, httpStatus, error, KEEP_SETTLED_SEC, KEEP_DEAD_SEC);
  }

  async replay(id: string, now: number): Promise<boolean> {
    return (await this.scripts.psnTrgReplay(this.keys.queue, this.keys.base, id, now)) === 1;
  }

  async list(which: 'recent' | 'dead', limit: number): Promise<QueueItem[]> {
    const { client } = this.redis;
    const ids = await client.zrevrange(which === 'recent' ? this.keys.recent : this.keys.dead, 0, limit - 1);
    const records = await Promise.all(ids.map((id) => client.hgetall(this.keys.item(id))));
    return records.map(itemFromFields).filter((item): item is QueueItem => item !== null);
  }

  async read(id: string): Promise<QueueItem | null> {
    return itemFromFields(await this.redis.client.hgetall(this.keys.item(id)));
  }

  async counts(): Promise<{ queued: number; dead: number }> {
    const [queued, dead] = await Promise.all([this.redis.client.zcard(this.keys.queue), this.redis.client.zcard(this.keys.dead)]);
    return { queued, dead };
  }

  async eraseVisitors(visitorIds: readonly string[], triggers: readonly string[]): Promise<boolean> {
    visitorIds.forEach(checkVisitor);
    if (visitorIds.length === 0) return false;
    const held = (await this.scripts.psnTrgErase(this.keys.queue, this.keys.base, visitorIds.length, ...visitorIds, ...triggers)) as number;
    return held > 0;
  }
}
