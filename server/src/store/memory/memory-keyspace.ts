import { isValidVisitorId } from '../keys';
import type { StoreConnection } from '../store-connection';
import { StoreUsageError } from '../store-usage-error';
import { newVisitorState, type DedupState, type VisitorState } from './visitor-state';

/** A value that is forgotten at `expiresAt` (epoch ms), like a Redis key with a TTL. */
export interface Expiring<T> {
  value: T;
  expiresAt: number;
}

/** Keys with a time to live, read through `live` so that an expired key is never seen. */
export class ExpiringMap<T> {
  private readonly items = new Map<string, Expiring<T>>();

  constructor(private readonly clock: () => number) {}

  live(key: string): Expiring<T> | undefined {
    const item = this.items.get(key);
    if (item && item.expiresAt <= this.clock()) {
      this.items.delete(key);
      return undefined;
    }
    return item;
  }

  get(key: string): T | undefined {
    return this.live(key)?.value;
  }

  /** Stores `value` for `ttlSec` from now. */
  set(key: string, value: T, ttlSec: number): void {
    this.items.set(key, { value, expiresAt: this.clock() + ttlSec * 1000 });
  }

  put(key: string, item: Expiring<T>): void {
    this.items.set(key, item);
  }

  delete(key: string): void {
    this.items.delete(key);
  }

  /** Live keys, in insertion order. */
  keys(): string[] {
    return [...this.items.keys()].filter((key) => this.live(key));
  }

  sweep(): void {
    const now = this.clock();
    for (const [key, item] of this.items) if (item.expiresAt <= now) this.items.delete(key);
  }

  clear(): void {
    this.items.clear();
  }
}

/** What the keyspace holds for one visitor's profile: the same parts as its Redis keys. */
export interface VisitorEntry {
  state: VisitorState;
  dedup: DedupState;
}

const SWEEP_INTERVAL_MS = 60_000;

/**
 * The embedded single-process store's keyspace, shared by every capability's memory driver (as
 * they share one Redis): the visitors' profiles, which membership also writes into, and a clock
 * for every expiring key, swept together. Nothing survives a restart or is shared between Strapi
 * instances.
 */
export class MemoryKeyspace implements StoreConnection {
  readonly kind = 'memory' as const;

  readonly visitors: ExpiringMap<VisitorEntry>;

  private readonly maps: ExpiringMap<unknown>[] = [];

  private readonly closing: (() => void)[] = [];

  private readonly sweeper: NodeJS.Timeout;

  constructor(readonly clock: () => number = Date.now) {
    this.visitors = this.expiring<VisitorEntry>();
    this.sweeper = setInterval(() => this.maps.forEach((map) => map.sweep()), SWEEP_INTERVAL_MS);
    this.sweeper.unref();
  }

  /** A map of expiring keys, swept with the others. */
  expiring<T>(): ExpiringMap<T> {
    const map = new ExpiringMap<T>(this.clock);
    this.maps.push(map as ExpiringMap<unknown>);
    return map;
  }

  /** The visitor's live entry, or a new empty one (not stored until `visitors.put`). */
  visitorOrNew(visitorId: string): Expiring<VisitorEntry> {
    return this.visitors.live(visitorId) ?? { value: { state: newVisitorState(), dedup: { byDay: new Map() } }, expiresAt: 0 };
  }

  /** `release` runs on close (a driver's listeners). */
  onClose(release: () => void): void {
    this.closing.push(release);
  }

  async health() {
    return { connected: false, latencyMs: null };
  }

  async close(): Promise<void> {
    clearInterval(this.sweeper);
    for (const map of this.maps) map.clear();
    for (const release of this.closing) release();
  }
}

/** Visitor ids reach keys in Redis; the memory drivers refuse the same ids, to behave alike. */
export const assertVisitorId = (visitorId: string): void => {
  if (!isValidVisitorId(visitorId)) throw new StoreUsageError(`invalid visitor id ${JSON.stringify(visitorId)}`);
};
