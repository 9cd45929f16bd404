/**
 * What triggers keep in the store: scheduled checks of absence triggers, outbound deliveries with
 * their attempts, the dead letters, per-visitor cool-downs and per-trigger rate counters. One
 * queue (a sorted set by due time in Redis) holds checks and deliveries, so that every instance
 * polls one place and an item due is claimed by exactly one of them (a script moves it out of
 * reach for a lease; an instance that dies mid-delivery leaves it to be claimed again when the lease
 * ends). Two drivers (`redis-trigger-store.ts`, `memory-trigger-store.ts`) held to one contract by
 * `tests/integration/store-contract/triggers.test.ts`. Times are epoch milliseconds.
 */

export type QueueItemKind = 'check' | 'delivery';
/** `disarmed`: a check whose follow-up arrived, kept a minute so that a late arm cannot revive it. */
export type DeliveryStatus = 'scheduled' | 'pending' | 'delivered' | 'dead' | 'dropped' | 'disarmed';

export interface QueueItem {
  id: string;
  kind: QueueItemKind;
  trigger: string;
  visitorId: string;
  status: DeliveryStatus;
  /** When it is (next) due. */
  dueAt: number;
  createdAt: number;
  /** Delivery attempts so far (a claim counts as one). */
  attempts: number;
  /** JSON of what fired it: the matched events, the segment. */
  facts: string;
  /** The exact body sent: built at the first attempt, sent unchanged on every retry. */
  body?: string;
  lastStatus?: number;
  lastError?: string;
  deliveredAt?: number;
  /** Checks: the time of the start event it waits from, and of the follow-up that disarmed it. */
  armedAt?: number;
  disarmedAt?: number;
}

export type NewItem = Pick<QueueItem, 'id' | 'kind' | 'trigger' | 'visitorId' | 'dueAt' | 'facts'>;

/**
 * An absence check to schedule (`arm`, from the start event's time) or cancel (`disarm`, from the
 * follow-up's time). Applied in any order with the same result: the latest event time wins, and a
 * follow-up in the same second as a start cancels it. So instances may flush their checks late and
 * out of order (`check-writes.ts`).
 */
export type CheckOp =
  | { op: 'arm'; item: NewItem; at: number }
  | { op: 'disarm'; id: string; trigger: string; visitorId: string; at: number };

export interface FireRequest {
  trigger: string;
  visitorId: string;
  cooldownSec: number;
  maxPerMinute: number | null;
  /** The delivery to queue when the trigger fires (none for an on-site action alone). */
  delivery?: NewItem;
  /** The absence check this firing comes from: removed whatever the outcome. */
  replacesCheck?: string;
  now: number;
}

/** `fired`: acted on; `cooldown`: this visitor was acted on lately; `rate-limited`: the trigger's minute is full; `duplicate`: this delivery id exists. */
export type FireOutcome = 'fired' | 'cooldown' | 'rate-limited' | 'duplicate';

export type Settlement =
  | { status: 'delivered'; httpStatus: number }
  | { status: 'pending'; retryAt: number; httpStatus?: number; error: string }
  | { status: 'dead'; httpStatus?: number; error: string }
  /** A check whose trigger is gone or disabled. */
  | { status: 'dropped'; error: string };

export interface TriggerStore {
  /** Arms and disarms absence checks (one id per trigger and visitor: a later start re-arms it). */
  applyChecks(ops: readonly CheckOp[], now: number): Promise<void>;
  /** Cool-down, rate limit and queueing in one atomic step. */
  fire(request: FireRequest): Promise<FireOutcome>;
  /** Items due by `now`, each claimed for `leaseMs` (no other caller gets it in that time). */
  claimDue(now: number, limit: number, leaseMs: number): Promise<QueueItem[]>;
  /** Keeps the body sent, on an item that still exists (never recreates an erased one). */
  saveBody(id: string, body: string): Promise<void>;
  settle(id: string, settlement: Settlement, now: number): Promise<void>;
  /** A dead letter back into the queue, due now, attempts reset; false when there is no such dead letter. */
  replay(id: string, now: number): Promise<boolean>;
  /** Newest first: every recent item, or the dead letters. */
  list(which: 'recent' | 'dead', limit: number): Promise<QueueItem[]>;
  read(id: string): Promise<QueueItem | null>;
  counts(): Promise<{ queued: number; dead: number }>;
  /** Everything held about these visitors: items, checks, cool-downs of these triggers. */
  eraseVisitors(visitorIds: readonly string[], triggers: readonly string[]): Promise<boolean>;
}

/** Delivered and dropped items stay listed this long; dead letters until replayed or this long. */
export const KEEP_SETTLED_SEC = 7 * 86_400;
export const KEEP_DEAD_SEC = 30 * 86_400;
/** How long a disarmed check is remembered: longer than any flush delay between instances. */
export const DISARMED_KEEP_SEC = 60;
/** Items listed in the admin's delivery log. */
export const RECENT_CAP = 2_000;

/** The stored string fields of an item, as both drivers parse them. */
export const itemFromFields = (fields: Record<string, string>): QueueItem | null => {
  if (!fields.id) return null;
  const number = (value: string | undefined) => (value === undefined || value === '' ? undefined : Number(value));
  return {
    id: fields.id,
    kind: fields.kind as QueueItemKind,
    trigger: fields.trigger,
    visitorId: fields.visitorId,
    status: fields.status as DeliveryStatus,
    dueAt: Number(fields.dueAt),
    createdAt: Number(fields.createdAt),
    attempts: Number(fields.attempts ?? 0),
    facts: fields.facts ?? '{}',
    ...(fields.body !== undefined ? { body: fields.body } : {}),
    ...(number(fields.lastStatus) !== undefined ? { lastStatus: number(fields.lastStatus) } : {}),
    ...(fields.lastError ? { lastError: fields.lastError } : {}),
    ...(number(fields.deliveredAt) !== undefined ? { deliveredAt: number(fields.deliveredAt) } : {}),
    ...(number(fields.armedAt) !== undefined ? { armedAt: number(fields.armedAt) } : {}),
    ...(number(fields.disarmedAt) !== undefined ? { disarmedAt: number(fields.disarmedAt) } : {}),
  };
};
