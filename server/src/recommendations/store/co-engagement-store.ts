import type { CoEngagementSettings, EngagedItem } from '../co-engagement';
import type { VisitorEngagements } from '../co-engagement-batch';
import type { NextStep } from '../next-steps';
import type { PagePathIncrements, PageStep } from '../page-paths';

/**
 * The co-engagement store: what recommendations read and ingest writes. A port of its own (Redis
 * and memory drivers beside it), so that it knows nothing of profiles or segments' member sets.
 *
 * Item keys are `item-ref.ts` keys; anything else is ignored on write and yields nothing on read.
 * Scores are as of `now` (forward decay, `co-engagement.ts`), so callers pass the clock.
 */
export interface CoEngagementStore {
  readonly kind: 'redis' | 'memory';
  /** Decay and bounds, page paths' too (`page-paths.ts` plans with them). */
  readonly settings: CoEngagementSettings;

  /**
   * Records engagements: each item joins the visitor's bounded history, is paired with the
   * visitor's recent items of its content type (each item's neighbour set bounded), and adds to
   * its popularity, site-wide and in each of the visitor's segments. The Redis driver makes two
   * pipelined round trips per call whatever the batch's size (histories, then pairs); ingest calls
   * it through `CoEngagementWrites`, off the request path.
   */
  record(batch: VisitorEngagements[], now: number): Promise<void>;

  /** Each valid item's most similar items (cosine with shrinkage, decayed), best first, at most `perItem`. */
  neighbours(items: string[], perItem: number, now: number): Promise<Record<string, { item: string; score: number }[]>>;

  /** Each valid item's next items (the share of the steps from it to each), best first, at most `perItem`. */
  nextSteps(items: string[], perItem: number): Promise<Record<string, NextStep[]>>;

  /** A content type's most engaged-with items (decayed engagement as of `now`), site-wide or in a segment. */
  popular(contentType: string, segment: string | null, limit: number, now: number): Promise<{ item: string; score: number }[]>;

  /**
   * Adds page transitions (`page-paths.ts`) to the site-wide counts: the tracked pages (at most
   * MAX_TRACKED_PAGES) and each page's next steps (bounded and trimmed like neighbours). One round
   * trip on Redis, all keys in one slot (`{pp}`).
   */
  recordPagePaths(increments: PagePathIncrements): Promise<void>;

  /** Each page's next steps (the share of its transitions to each), best first, at most `perPage`. */
  pagePaths(pages: string[], perPage: number): Promise<Record<string, PageStep[]>>;

  /** The pages with the most decayed transitions out, most first. */
  popularPages(limit: number): Promise<string[]>;

  /** The visitor's latest engagements, newest first. */
  history(visitorId: string, limit: number): Promise<{ item: string; at: number }[]>;

  /**
   * Deletes the visitor's history. Pairs and popularity it contributed stay: they are sums over
   * visitors that name no one.
   */
  eraseVisitor(visitorId: string): Promise<void>;
}

export type { EngagedItem, VisitorEngagements };

/** Largest reads: a request's worth, not a dump of the store. */
export const READ_LIMITS = { items: 100, perItem: 100, popular: 1_000, history: 100 } as const;

export const clampCount = (value: number, max: number): number => (Number.isFinite(value) ? Math.max(0, Math.min(Math.floor(value), max)) : 0);
