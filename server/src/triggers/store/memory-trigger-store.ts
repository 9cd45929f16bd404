import { assertVisitorId } from '../../store/memory/memory-keyspace';
import {
  DISARMED_KEEP_SEC,
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

interface Held {
  item: QueueItem;
  /** Epoch ms after which it is gone (settled and dead items); undefined while queued. */
  expiresAt?: number;
}

/**
 * The embedded driver: one process, so plain maps (and no other instance to claim against). Same
 * contract as the Redis driver, expiry included.
 */
export class MemoryTriggerStore implements TriggerStore {
  private readonly items = new Map<string, Held>();
  /** id -> due time, for queued items. */
  private readonly queue = new Map<string, number>();
  private readonly recent = new Map<string, number>();
  private readonly dead = new Map<string, number>();
  private readonly byVisitor = new Map<string, Set<string>>();
  /** `<trigger>:<visitor>` -> epoch ms the cool-down ends. */
  private readonly cooldowns = new Map<string, number>();
  /** `<trigger>:<minute>` -> firings. */
  private readonly rates = new Map<string, number>();

  private live(id: string, now = Date.now()): QueueItem | undefined {
    const held = this.items.get(id);
    if (held?.expiresAt !== undefined && held.expiresAt <= now) {
      this.items.delete(id);
      return undefined;
    }
    return held?.item;
  }

  private index(visitorId: string, id: string) {
    const ids = this.byVisitor.get(visitorId) ?? new Set<string>();
    ids.add(id);
    this.byVisitor.set(visitorId, ids);
  }

  private remove(id: string, visitorId: string) {
    this.queue.delete(id);
    this.items.delete(id);
    this.byVisitor.get(visitorId)?.delete(id);
  }

  async applyChecks(ops: readonly CheckOp[], now: number): Promise<void> {
    for (const check of ops) {
      const id = check.op === 'arm' ? check.item.id : check.id;
      const visitorId = check.op === 'arm' ? check.item.visitorId : check.visitorId;
      assertVisitorId(visitorId);
      const held = this.items.get(id);
      const item = this.live(id, now);
      const armedAt = item?.armedAt ?? -1;
      const disarmedAt = item?.disarmedAt ?? -1;
      if (check.op === 'arm' && check.at > armedAt && check.at > disarmedAt) {
        const base = item ?? { id, kind: 'check' as const, trigger: check.item.trigger, visitorId, attempts: 0, createdAt: now };
        this.items.set(id, { item: { ...base, status: 'scheduled', armedAt: check.at, dueAt: check.item.dueAt, facts: check.item.facts } });
        this.queue.set(id, check.item.dueAt);
        this.index(visitorId, id);
      } else if (check.op === 'disarm' && check.at >= armedAt && check.at > disarmedAt) {
        const base = item ?? { id, kind: 'check' as const, trigger: check.trigger, visitorId, attempts: 0, createdAt: now, dueAt: 0, facts: '{}' };
        this.items.set(id, { item: { ...base, status: 'disarmed', disarmedAt: check.at }, expiresAt: now + DISARMED_KEEP_SEC * 1000 });
        this.queue.delete(id);
        this.index(visitorId, id);
      } else if (held && !item) {
        this.items.delete(id);
      }
    }
  }

  async fire(request: FireRequest): Promise<FireOutcome> {
    assertVisitorId(request.visitorId);
    const { now, delivery } = request;
    const dropCheck = () => request.replacesCheck && this.remove(request.replacesCheck, request.visitorId);
    if (delivery && this.live(delivery.id, now)) return dropCheck(), 'duplicate';
    const cooldownKey = `${request.trigger}:${request.visitorId}`;
    if ((this.cooldowns.get(cooldownKey) ?? 0) > now) return dropCheck(), 'cooldown';
    if (request.maxPerMinute) {
      const rateKey = `${request.trigger}:${Math.floor(now / 60_000)}`;
      const count = (this.rates.get(rateKey) ?? 0) + 1;
      this.rates.set(rateKey, count);
      if (count > request.maxPerMinute) return dropCheck(), 'rate-limited';
    }
    this.cooldowns.set(cooldownKey, now + Math.max(1, Math.round(request.cooldownSec * 1000)));
    dropCheck();
    if (delivery) {
      this.items.set(delivery.id, { item: { ...delivery, status: delivery.dueAt > now ? 'scheduled' : 'pending', createdAt: now, attempts: 0 } });
      this.queue.set(delivery.id, delivery.dueAt);
      this.index(delivery.visitorId, delivery.id);
      this.recent.set(delivery.id, now);
      if (this.recent.size > RECENT_CAP) this.recent.delete(this.recent.keys().next().value!);
    }
    return 'fired';
  }

  async claimDue(now: number, limit: number, leaseMs: number): Promise<QueueItem[]> {
    const due = [...this.queue].filter(([, at]) => at <= now).sort((a, b) => a[1] - b[1] || (a[0] < b[0] ? -1 : 1));
    const claimed: QueueItem[] = [];
    for (const [id] of due.slice(0, limit)) {
      const item = this.live(id, now);
      if (!item) {
        this.queue.delete(id);
        continue;
      }
      this.queue.set(id, now + leaseMs);
      if (item.kind === 'delivery') item.attempts += 1;
      claimed.push({ ...item });
    }
    return claimed;
  }

  async saveBody(id: string, body: string): Promise<void> {
    const item = this.live(id);
    if (item) item.body = body;
  }

  async settle(id: string, settlement: Settlement, now: number): Promise<void> {
    const held = this.items.get(id);
    const item = this.live(id, now);
    if (!held || !item) {
      this.queue.delete(id);
      return;
    }
    if (settlement.status === 'dropped') {
      this.remove(id, item.visitorId);
      return;
    }
    item.status = settlement.status;
    item.lastStatus = 'httpStatus' in settlement ? settlement.httpStatus : undefined;
    item.lastError = 'error' in settlement ? settlement.error.slice(0, 500) : undefined;
    if (settlement.status === 'pending') {
      item.dueAt = settlement.retryAt;
      this.queue.set(id, settlement.retryAt);
      return;
    }
    this.queue.delete(id);
    if (settlement.status === 'delivered') {
      item.deliveredAt = now;
      held.expiresAt = now + KEEP_SETTLED_SEC * 1000;
    } else {
      this.dead.set(id, now);
      held.expiresAt = now + KEEP_DEAD_SEC * 1000;
    }
  }

  async replay(id: string, now: number): Promise<boolean> {
    const held = this.items.get(id);
    if (!this.dead.has(id) || !held || !this.live(id, now)) return false;
    this.dead.delete(id);
    Object.assign(held.item, { status: 'pending', attempts: 0, dueAt: now, lastError: undefined });
    held.expiresAt = undefined;
    this.queue.set(id, now);
    return true;
  }

  async list(which: 'recent' | 'dead', limit: number): Promise<QueueItem[]> {
    const ids = [...(which === 'recent' ? this.recent : this.dead)].sort((a, b) => b[1] - a[1]).map(([id]) => id);
    return ids
      .map((id) => this.live(id))
      .filter((item): item is QueueItem => item !== undefined)
      .slice(0, limit)
      .map((item) => ({ ...item }));
  }

  async read(id: string): Promise<QueueItem | null> {
    const item = this.live(id);
    return item ? { ...item } : null;
  }

  async counts(): Promise<{ queued: number; dead: number }> {
    return { queued: this.queue.size, dead: this.dead.size };
  }

  async eraseVisitors(visitorIds: readonly string[], triggers: readonly string[]): Promise<boolean> {
    let held = false;
    for (const visitorId of visitorIds) {
      assertVisitorId(visitorId);
      for (const id of this.byVisitor.get(visitorId) ?? []) {
        held = this.items.has(id) || held;
        this.remove(id, visitorId);
        this.recent.delete(id);
        this.dead.delete(id);
      }
      held = this.byVisitor.delete(visitorId) || held;
      for (const trigger of triggers) held = this.cooldowns.delete(`${trigger}:${visitorId}`) || held;
    }
    return held;
  }
}
