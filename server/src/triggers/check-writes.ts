import { FlushLoop } from '../shared/flush-loop';
import type { CheckOp, TriggerStore } from './store/trigger-store';

export interface CheckWritesOptions {
  flushMs: number;
  /** Checks that start a flush at once. */
  flushSize: number;
  /** Most checks waiting; beyond, new ones are dropped and counted (the store is down). */
  pendingLimit: number;
  /** Told how many checks were dropped, each time some are. */
  onDropped?: (count: number) => void;
}

export const DEFAULT_CHECK_WRITES: CheckWritesOptions = { flushMs: 100, flushSize: 500, pendingLimit: 50_000 };

const idOf = (check: CheckOp) => (check.op === 'arm' ? check.item.id : check.id);

/** Whether `check` supersedes `current`: a later event, and at the same time a disarm (as the store decides). */
const supersedes = (check: CheckOp, current: CheckOp | undefined) =>
  !current || check.at > current.at || (check.at === current.at && check.op === 'disarm');

/**
 * Absence checks waiting to be armed or disarmed in the store, one per check id (the latest event
 * wins, as in the store). A batch that repeats a start event (every `Video Playback Started` of a
 * trigger waiting for a click) would otherwise cost ingest a store call; here a flush every 100 ms
 * writes them all in one. The store applies them in any order with the same result, so instances
 * flushing late or out of order agree. A crash loses at most one interval of checks (never events).
 */
export class CheckWrites extends FlushLoop<CheckOp[]> {
  private pending = new Map<string, CheckOp>();
  private readonly options: CheckWritesOptions;

  constructor(
    private readonly store: Pick<TriggerStore, 'applyChecks'>,
    options: Partial<CheckWritesOptions> = {}
  ) {
    const merged = { ...DEFAULT_CHECK_WRITES, ...options };
    super(merged.flushMs, merged.onDropped);
    this.options = merged;
  }

  get size(): number {
    return this.pending.size;
  }

  add(check: CheckOp): void {
    if (this.closed) return;
    if (!this.pending.has(idOf(check)) && this.pending.size >= this.options.pendingLimit) {
      this.drop(1);
      return;
    }
    this.put(check);
    this.added(this.pending.size >= this.options.flushSize);
  }

  /** Drops the waiting checks of these visitors (they are being erased). */
  forget(visitorIds: readonly string[]): void {
    const erased = new Set(visitorIds);
    for (const [id, check] of this.pending) {
      if (erased.has(check.op === 'arm' ? check.item.visitorId : check.visitorId)) this.pending.delete(id);
    }
  }

  private put(check: CheckOp): void {
    if (supersedes(check, this.pending.get(idOf(check)))) this.pending.set(idOf(check), check);
  }

  protected take(): CheckOp[] {
    const batch = [...this.pending.values()];
    this.pending = new Map();
    return batch;
  }

  protected write(batch: CheckOp[]): Promise<void> {
    return this.store.applyChecks(batch, Date.now());
  }

  protected restore(failed: CheckOp[]): void {
    for (const check of failed) {
      if (this.pending.has(idOf(check)) || this.pending.size < this.options.pendingLimit) this.put(check);
      else this.drop(1);
    }
  }
}
