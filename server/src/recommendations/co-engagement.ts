import { joinItemKey, parseItemKey, type ItemRef } from './item-ref';

/**
 * Co-engagement bookkeeping shared by both store drivers and the reads: what one batch of
 * engagements adds (pairs, popularity, history), and how stored sums become similarities. Pure.
 *
 * **Time decay: forward decay with a fixed landmark.** An engagement at time t adds
 * `weight · 2^((t − landmark) / halfLife)`; a stored sum is read "as of now" by dividing by
 * `2^((now − landmark) / halfLife)`. The result is exactly an exponentially decayed sum, yet a write
 * is a plain increment (no read-modify-write of a timestamp, no periodic rewrite of every score), and
 * new engagements compete fairly with old ones when a bounded set is trimmed by score. Doubles hold
 * 2^±1000: with a 30-day half-life that is 80 years either side of the landmark, so no re-basing is
 * needed in the plugin's lifetime (half-lives under a week would need one: the plugin's config must
 * refuse them, MIN_HALF_LIFE_SEC).
 *
 * **Similarity: cosine over decayed co-engagement, with shrinkage.** For items i and j, with C the
 * decayed co-engagement and N each item's decayed engagement,
 * `sim = C / √(N_i · N_j) · C / (C + shrinkage)`. Dividing by √(N_i N_j) damps popular items (a
 * blockbuster co-occurs with everything); the shrinkage factor damps pairs seen by a handful of
 * visitors, whose cosine is high by chance. A previous attempt found a plateau for shrinkage 5–20 on
 * MovieLens; the offline evaluation (tests/eval/recommendations.eval.ts) re-measures it.
 */

export interface CoEngagementSettings {
  /** Half-life of engagement, seconds (≥ 7 days, see above). */
  halfLifeSec: number;
  /** Landmark of forward decay, epoch seconds. Changing it invalidates stored sums. */
  landmarkSec: number;
  /** Items remembered per visitor: a new item is paired with these. */
  historySize: number;
  /** A new item is paired only with history items engaged at most this long before (or after). */
  pairWindowSec: number;
  /** Neighbours kept per item (the weakest are dropped). */
  maxNeighbours: number;
  /** Items kept per popularity set (per content type, and per segment). */
  maxItems: number;
  /** How long a visitor's history and an item's neighbours live without new engagement. */
  retentionSec: number;
  /** Shrinkage of the similarity, in decayed engagement units. */
  shrinkage: number;
  /**
   * A new item is a step after the visitor's latest item (same content type) engaged at most this
   * long before: beyond, the visit that led from one to the other is over (`next-steps.ts`).
   */
  stepWindowSec: number;
}

const DAY = 86_400;

export const DEFAULT_CO_ENGAGEMENT_SETTINGS: CoEngagementSettings = {
  halfLifeSec: 30 * DAY,
  landmarkSec: Date.UTC(2026, 0, 1) / 1000,
  historySize: 10,
  pairWindowSec: 30 * DAY,
  maxNeighbours: 100,
  maxItems: 50_000,
  retentionSec: 180 * DAY,
  shrinkage: 10,
  stepWindowSec: 3_600,
};

/** Shortest half-life the landmark scheme holds for decades. */
export const MIN_HALF_LIFE_SEC = 7 * DAY;

/** `2^((t − landmark) / halfLife)`: the forward-decay weight of time t. */
export const forwardWeight = (at: number, settings: Pick<CoEngagementSettings, 'halfLifeSec' | 'landmarkSec'>): number =>
  2 ** ((at - settings.landmarkSec) / settings.halfLifeSec);

/** A stored forward-decayed sum, as of `now`. */
export const decayedAt = (stored: number, now: number, settings: Pick<CoEngagementSettings, 'halfLifeSec' | 'landmarkSec'>): number =>
  stored / forwardWeight(now, settings);

/** Cosine with shrinkage, from sums as of the same moment (any common scale for the cosine part). */
export const similarity = (coEngagement: number, engagementI: number, engagementJ: number, shrinkage: number): number => {
  if (!(coEngagement > 0)) return 0;
  // An item trimmed from its popularity set has engaged at least as much as any of its pairs.
  const ni = Math.max(engagementI, coEngagement);
  const nj = Math.max(engagementJ, coEngagement);
  return (coEngagement / Math.sqrt(ni * nj)) * (coEngagement / (coEngagement + shrinkage));
};

export interface EngagedItem {
  /** Item key (`item-ref.ts`). */
  item: string;
  weight: number;
  /** Epoch seconds. */
  at: number;
}

export interface HistoryEntry {
  item: string;
  at: number;
}

/** What one visitor's engagements add, per content type, with members named by documentId. */
export interface ContentTypeIncrements {
  /** documentId -> forward-decayed increment of its engagement. */
  popularity: Map<string, number>;
  /** segment -> documentId -> increment. */
  segmentPopularity: Map<string, Map<string, number>>;
  /** documentId -> neighbour documentId -> increment of their co-engagement. */
  neighbours: Map<string, Map<string, number>>;
  /** documentId -> the documentId engaged next -> decayed count of those steps (directed). */
  nextSteps: Map<string, Map<string, number>>;
}

export interface EngagementPlan {
  /** Entries to write into the visitor's history (latest time per item). */
  history: HistoryEntry[];
  byContentType: Map<string, ContentTypeIncrements>;
}

/** Segment slugs reach key names: the same small alphabet as elsewhere. */
const SEGMENT_PATTERN = /^[a-z0-9][a-z0-9_-]{0,63}$/i;

export const isSegmentSlug = (value: unknown): value is string => typeof value === 'string' && SEGMENT_PATTERN.test(value);
/** A visitor counts toward the popularity of at most this many of its segments. */
export const MAX_SEGMENTS_PER_VISITOR = 32;

export const isValidEngagement = (engagement: EngagedItem): boolean =>
  Number.isFinite(engagement.weight) && engagement.weight > 0 && engagement.weight <= 100 && Number.isFinite(engagement.at) && parseItemKey(engagement.item) !== null;

/**
 * What a visitor's new engagements add, given its history before them. Items are taken in time
 * order; an item new to the visitor is paired with the `historySize` most recent items of the same
 * content type engaged within `pairWindowSec` (recommendations are asked per content type, so
 * pairs across types would only crowd the bounded neighbour sets). An item already in the history
 * adds to its popularity, not to pairs: its pairs were counted when each later item arrived.
 * Invalid engagements (hostile keys, weights, times) are skipped.
 */
export const planEngagement = (
  previous: readonly HistoryEntry[],
  engagements: readonly EngagedItem[],
  segments: readonly string[],
  settings: CoEngagementSettings,
  /** Where to add the increments (a whole batch's, `co-engagement-batch.ts`); a new map by default. */
  byContentType: Map<string, ContentTypeIncrements> = new Map()
): EngagementPlan => {
  // Known items newest first, each parsed once: a pair costs two map additions and nothing more.
  const known = new Map<string, KnownItem>();
  for (const { item, at } of previous) {
    const ref = parseItemKey(item);
    if (ref && Number.isFinite(at)) known.set(item, { item, at, ...ref });
  }
  let recent = newestFirst([...known.values()]);
  const validSegments = [...new Set(segments.filter(isSegmentSlug))].slice(0, MAX_SEGMENTS_PER_VISITOR);
  const history = new Map<string, number>();
  const ordered = engagements.filter(isValidEngagement).sort((a, b) => a.at - b.at);
  for (const { item, weight, at } of ordered) {
    const ref = parseItemKey(item)!;
    const increments = incrementsOf(byContentType, ref.contentType);
    const decay = forwardWeight(at, settings);
    const increment = weight * decay;
    // A step: from the latest item of the same content type (recommendations are asked per type, so
    // an article read between two movies does not break the path from one movie to the next), when
    // another item and recent enough. Counted once per step, not by engagement weight: the view,
    // dwell and scroll of one entry are one step.
    const latest = recent.find((entry) => entry.contentType === ref.contentType);
    if (latest && latest.item !== item && at >= latest.at && at - latest.at <= settings.stepWindowSec) {
      addTo(mapOf(increments.nextSteps, latest.documentId), ref.documentId, decay);
    }
    addTo(increments.popularity, ref.documentId, increment);
    for (const segment of validSegments) addTo(mapOf(increments.segmentPopularity, segment), ref.documentId, increment);
    const seen = known.get(item);
    if (seen) {
      if (at > seen.at) {
        seen.at = at;
        recent = newestFirst(recent);
      }
    } else {
      let own: Map<string, number> | undefined;
      for (let i = 0; i < recent.length && i < settings.historySize; i++) {
        const other = recent[i];
        if (other.contentType !== ref.contentType || Math.abs(at - other.at) > settings.pairWindowSec) continue;
        addTo((own ??= mapOf(increments.neighbours, ref.documentId)), other.documentId, increment);
        addTo(mapOf(increments.neighbours, other.documentId), ref.documentId, increment);
      }
      const entry = { item, at, ...ref };
      known.set(item, entry);
      recent = newestFirst([entry, ...recent]);
    }
    history.set(item, known.get(item)!.at);
  }
  return { history: [...history].map(([item, at]) => ({ item, at })), byContentType };
};

interface KnownItem extends ItemRef {
  item: string;
  at: number;
}

/**
 * Entries newest first, ties broken like a Redis sorted set read in reverse (by member,
 * descending), so that both drivers keep and drop the same entries.
 */
export const newestFirst = <T extends { at: number; item: string }>(entries: readonly T[]): T[] =>
  [...entries].sort((a, b) => b.at - a.at || (a.item < b.item ? 1 : a.item > b.item ? -1 : 0));

const incrementsOf = (byContentType: Map<string, ContentTypeIncrements>, contentType: string): ContentTypeIncrements => {
  let increments = byContentType.get(contentType);
  if (!increments) byContentType.set(contentType, (increments = { popularity: new Map(), segmentPopularity: new Map(), neighbours: new Map(), nextSteps: new Map() }));
  return increments;
};

/** The map under `key`, created empty when missing. */
export const mapOf = <V>(maps: Map<string, Map<string, V>>, key: string): Map<string, V> => {
  let map = maps.get(key);
  if (!map) maps.set(key, (map = new Map()));
  return map;
};

export const addTo = (map: Map<string, number>, key: string, increment: number) => map.set(key, (map.get(key) ?? 0) + increment);

/** Raw neighbour sums of one item as a driver reads them: forward-decayed, same landmark. */
export interface StoredNeighbours {
  /** The item's own stored engagement (0 when trimmed from its popularity set). */
  engagement: number;
  neighbours: { documentId: string; coEngagement: number; engagement: number }[];
}

/**
 * Similarities of one item's stored neighbours as of `now`, best first (ties by documentId), at
 * most `limit`. Both drivers read raw sums and normalize here.
 */
export const normalizeNeighbours = (
  contentType: string,
  stored: StoredNeighbours,
  limit: number,
  now: number,
  settings: CoEngagementSettings
): { item: string; score: number }[] => {
  const scale = forwardWeight(now, settings);
  return stored.neighbours
    .map(({ documentId, coEngagement, engagement }) => ({
      item: joinItemKey(contentType, documentId),
      score: similarity(coEngagement / scale, stored.engagement / scale, engagement / scale, settings.shrinkage),
    }))
    .filter((neighbour) => neighbour.score > 0)
    .sort((a, b) => b.score - a.score || (a.item < b.item ? -1 : a.item > b.item ? 1 : 0))
    .slice(0, limit);
};

/**
 * The `count` neighbours with the most co-engagement (ties: documentId descending), the raw
 * candidates both drivers normalize: damping reorders them, so reading is done past `perItem`.
 */
export const strongest = <T extends { documentId: string; coEngagement: number }>(neighbours: T[], count: number): T[] =>
  neighbours
    .sort((a, b) => b.coEngagement - a.coEngagement || (a.documentId < b.documentId ? 1 : a.documentId > b.documentId ? -1 : 0))
    .slice(0, count);

/**
 * How far a neighbour set may grow past `maxNeighbours` before it is trimmed back to it: trimming
 * reads the whole set, so it is paid once per `slack` new neighbours; a quarter keeps 100 + 25
 * under Redis's 128-entry compact encoding.
 */
export const neighbourTrimSlack = (maxNeighbours: number): number => Math.max(1, Math.floor(maxNeighbours / 4));

/**
 * How many raw neighbours to read for `perItem` results: damping reorders them, so more than
 * asked; but each one read costs Redis about 1.2 µs per score it formats (ZREVRANGE WITHSCORES and
 * ZMSCORE, measured), the largest part of a recommendation's read, so twice as many, not all.
 */
export const neighboursToRead = (perItem: number, settings: CoEngagementSettings): number =>
  Math.min(settings.maxNeighbours, Math.max(2 * perItem, 20));
