import type { EngagedItem } from './co-engagement';
import type { VisitorEngagements } from './co-engagement-batch';
import { FlushLoop } from '../shared/flush-loop';
import type { CoEngagementStore } from './store/co-engagement-store';

/**
 * Engagements waiting to be recorded together. Ingest hands each batch's engagements here and
 * answers without waiting for them: every flush costs the store two round trips (histories, then
 * pairs) whatever it holds, so a busy site pays them once per `flushMs` instead of per request, and the
 * request path pays none (the same trade as segments' member sets, `store/membership-writes.ts`).
 * A visitor's engagements of one flush travel as one entry. A crash loses at most one interval of
 * co-engagement, never events or profiles; a failed write is retried under newer engagements,
 * within a bound (the timing is `shared/flush-loop.ts`).
 */

export interface CoEngagementWritesOptions {
  flushMs: number;
  /** Engagements that start a flush at once. */
  flushSize: number;
  /** Most engagements waiting; beyond, new ones (and a failed batch that no longer fits) are dropped and counted. */
  pendingLimit: number;
  /** Told how many engagements were dropped, each time some are. */
  onDropped?: (count: number) => void;
}

export const DEFAULT_CO_ENGAGEMENT_WRITES: CoEngagementWritesOptions = { flushMs: 250, flushSize: 2_000, pendingLimit: 50_000 };

export class CoEngagementWrites extends FlushLoop<VisitorEngagements[]> {
  private pending = new Map<string, VisitorEngagements>();
  private count = 0;
  private readonly options: CoEngagementWritesOptions;

  constructor(
    private readonly store: Pick<CoEngagementStore, 'record'>,
    options: Partial<CoEngagementWritesOptions> = {},
    /** Epoch seconds; the store decays and clamps against it. */
    private readonly clock: () => number = () => Date.now() / 1000
  ) {
    const merged = { ...DEFAULT_CO_ENGAGEMENT_WRITES, ...options };
    super(merged.flushMs, merged.onDropped);
    this.options = merged;
  }

  /** Engagements waiting. */
  get size(): number {
    return this.count;
  }

  /**
   * Queues a visitor's engagements and returns at once: ingest never waits for co-engagement. A
   * full buffer starts a flush; beyond `pendingLimit` (the store is down or slower than the
   * traffic) new engagements are dropped and counted: recommendations are statistics, and holding
   * more would only grow the process.
   */
  add(visitorId: string, segments: string[], items: EngagedItem[]): void {
    if (items.length === 0 || this.closed) return;
    if (this.count + items.length > this.options.pendingLimit) {
      this.drop(items.length);
      return;
    }
    this.put({ visitorId, segments, items });
    this.added(this.count >= this.options.flushSize);
  }

  protected write(batch: VisitorEngagements[]): Promise<void> {
    return this.store.record(batch, this.clock());
  }

  /** Drops every waiting engagement of these visitors (they are being erased). */
  forget(visitorIds: readonly string[]): void {
    for (const visitorId of visitorIds) {
      const entry = this.pending.get(visitorId);
      if (!entry) continue;
      this.count -= entry.items.length;
      this.pending.delete(visitorId);
    }
  }

  private put({ visitorId, segments, items }: VisitorEngagements, newer = true): void {
    const entry = this.pending.get(visitorId);
    if (!entry) this.pending.set(visitorId, { visitorId, segments, items: [...items] });
    else if (newer) {
      entry.items.push(...items);
      entry.segments = segments;
    } else {
      entry.items.unshift(...items);
    }
    this.count += items.length;
  }

  protected take(): VisitorEngagements[] {
    const batch = [...this.pending.values()];
    this.pending = new Map();
    this.count = 0;
    return batch;
  }

  /** Puts a failed batch back under what was added since, unless that would pass the bound. */
  protected restore(failed: VisitorEngagements[]): void {
    const failedSize = failed.reduce((sum, entry) => sum + entry.items.length, 0);
    if (failedSize + this.count > this.options.pendingLimit) {
      this.drop(failedSize);
      return;
    }
    for (const entry of failed) this.put(entry, false);
  }
}
