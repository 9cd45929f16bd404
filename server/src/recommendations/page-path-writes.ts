import { FlushLoop } from '../shared/flush-loop';
import { addTo, mapOf } from './co-engagement';
import { planPagePaths, type PagePathIncrements, type PageTransition } from './page-paths';
import type { CoEngagementStore } from './store/co-engagement-store';

/**
 * Page transitions waiting to be counted together (`page-paths.ts`), as co-engagement's are
 * (`co-engagement-writes.ts`): ingest hands each stored batch's transitions here and answers without
 * waiting; their forward-decayed increments are summed in process and written in one script per
 * `flushMs`, so a busy site pays one round trip per interval instead of one per batch. A failed
 * write is retried under newer transitions; beyond `pendingLimit` transitions waiting (the store is
 * down or slower than the traffic), new ones are dropped and counted (the timing is
 * `shared/flush-loop.ts`). The counts hold page and event names only, so erase has nothing to forget.
 */

export interface PagePathWritesOptions {
  flushMs: number;
  /** Transitions that start a flush at once. */
  flushSize: number;
  /** Most transitions waiting. */
  pendingLimit: number;
  onDropped?: (count: number) => void;
}

export const DEFAULT_PAGE_PATH_WRITES: PagePathWritesOptions = { flushMs: 250, flushSize: 2_000, pendingLimit: 50_000 };

interface PendingPaths {
  increments: PagePathIncrements;
  /** Transitions summed into `increments`. */
  transitions: number;
}

const emptyPaths = (): PendingPaths => ({ increments: { pages: new Map(), next: new Map() }, transitions: 0 });

export class PagePathWrites extends FlushLoop<PendingPaths> {
  private pending = emptyPaths();
  private readonly options: PagePathWritesOptions;

  constructor(
    private readonly store: Pick<CoEngagementStore, 'recordPagePaths' | 'settings'>,
    options: Partial<PagePathWritesOptions> = {}
  ) {
    const merged = { ...DEFAULT_PAGE_PATH_WRITES, ...options };
    super(merged.flushMs, merged.onDropped);
    this.options = merged;
  }

  get size(): number {
    return this.pending.transitions;
  }

  add(transitions: readonly PageTransition[]): void {
    if (transitions.length === 0 || this.closed) return;
    if (this.pending.transitions + transitions.length > this.options.pendingLimit) {
      this.drop(transitions.length);
      return;
    }
    planPagePaths(transitions, this.store.settings, this.pending.increments);
    this.pending.transitions += transitions.length;
    this.added(this.pending.transitions >= this.options.flushSize);
  }

  protected write(batch: PendingPaths): Promise<void> {
    return this.store.recordPagePaths(batch.increments);
  }

  protected take(): PendingPaths {
    const batch = this.pending;
    this.pending = emptyPaths();
    return batch;
  }

  /** Sums a failed batch back in (increments add up in any order), unless that would pass the bound. */
  protected restore(failed: PendingPaths): void {
    if (failed.transitions + this.pending.transitions > this.options.pendingLimit) {
      this.drop(failed.transitions);
      return;
    }
    const { pages, next } = this.pending.increments;
    for (const [page, weight] of failed.increments.pages) addTo(pages, page, weight);
    for (const [page, steps] of failed.increments.next) {
      const kept = mapOf(next, page);
      for (const [label, weight] of steps) addTo(kept, label, weight);
    }
    this.pending.transitions += failed.transitions;
  }
}
