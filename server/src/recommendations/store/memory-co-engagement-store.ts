import { coEngagementHistoryKey } from '../../store/keys';
import {
  decayedAt,
  DEFAULT_CO_ENGAGEMENT_SETTINGS,
  isSegmentSlug,
  mapOf,
  neighboursToRead,
  neighbourTrimSlack,
  strongest,
  newestFirst,
  normalizeNeighbours,
  type CoEngagementSettings,
  type HistoryEntry,
} from '../co-engagement';
import { planBatch, visitorEntries, type VisitorEngagements } from '../co-engagement-batch';
import { isContentTypeUid, joinItemKey, parseItemKey } from '../item-ref';
import { nextStepShares, sharesOf, type NextStep } from '../next-steps';
import { MAX_TRACKED_PAGES, type PagePathIncrements, type PageStep } from '../page-paths';
import { clampCount, READ_LIMITS, type CoEngagementStore } from './co-engagement-store';

/** A sorted set's members, as Redis would order them: by score, then by member. */
type ScoredSet = Map<string, number>;

/**
 * The embedded driver (one process, tests, the offline evaluation): the Redis driver's sorted
 * sets as maps, trimmed by the same rank rule, so both answer alike. Expiry is not modelled.
 */
export class MemoryCoEngagementStore implements CoEngagementStore {
  readonly kind = 'memory' as const;
  readonly settings: CoEngagementSettings;

  private readonly histories = new Map<string, ScoredSet>();
  /** `<contentType>` -> `<segment or ''>` -> popularity. */
  private readonly popularity = new Map<string, Map<string, ScoredSet>>();
  /** `<contentType>` -> documentId -> neighbours. */
  private readonly neighbourSets = new Map<string, Map<string, ScoredSet>>();
  /** `<contentType>` -> documentId -> next items. */
  private readonly nextStepSets = new Map<string, Map<string, ScoredSet>>();
  /** Page paths: tracked pages, and page -> next step labels. */
  private readonly trackedPages: ScoredSet = new Map();
  private readonly pageNextSteps = new Map<string, ScoredSet>();

  constructor(settings: Partial<CoEngagementSettings> = {}) {
    this.settings = { ...DEFAULT_CO_ENGAGEMENT_SETTINGS, ...settings };
  }

  async record(batch: VisitorEngagements[], now: number): Promise<void> {
    const entries = visitorEntries(batch, now);
    const previous = new Map<string, HistoryEntry[]>();
    for (const entry of entries) {
      const history = this.histories.get(entry.visitorId) ?? new Map<string, number>();
      previous.set(entry.visitorId, [...history].map(([item, at]) => ({ item, at })));
      for (const { item, at } of entry.history) history.set(item, Math.max(at, history.get(item) ?? -Infinity));
      trim(history, this.settings.historySize);
      this.histories.set(entry.visitorId, history);
    }
    const increments = planBatch(entries, (visitorId) => previous.get(visitorId) ?? [], this.settings);
    for (const [contentType, { popularity, segmentPopularity, neighbours, nextSteps }] of increments) {
      const sets = mapOf(this.popularity, contentType);
      incrementAndTrim(mapOf(sets, ''), popularity, this.settings.maxItems);
      for (const [segment, counts] of segmentPopularity) incrementAndTrim(mapOf(sets, segment), counts, this.settings.maxItems);
      this.addToBoundedSets(mapOf(this.neighbourSets, contentType), neighbours);
      this.addToBoundedSets(mapOf(this.nextStepSets, contentType), nextSteps);
    }
  }

  /** Like the Redis driver's hashes: each set, once past the bound by the slack, back to the bound. */
  private addToBoundedSets(itemSets: Map<string, ScoredSet>, increments: Map<string, Map<string, number>>) {
    const { maxNeighbours } = this.settings;
    for (const [documentId, counts] of increments) {
      const set = mapOf(itemSets, documentId);
      increment(set, counts);
      if (set.size > maxNeighbours + neighbourTrimSlack(maxNeighbours)) trim(set, maxNeighbours);
    }
  }

  async recordPagePaths({ pages, next }: PagePathIncrements): Promise<void> {
    incrementAndTrim(this.trackedPages, pages, MAX_TRACKED_PAGES);
    this.addToBoundedSets(this.pageNextSteps, next);
  }

  async pagePaths(pages: string[], perPage: number): Promise<Record<string, PageStep[]>> {
    const limit = clampCount(perPage, READ_LIMITS.perItem);
    const result: Record<string, PageStep[]> = {};
    for (const page of [...new Set(pages)].slice(0, READ_LIMITS.items)) {
      const stored = this.pageNextSteps.get(page) ?? new Map<string, number>();
      result[page] = sharesOf([...stored].map(([key, count]) => ({ key, count })), limit).map(({ key, share }) => ({ label: key, share }));
    }
    return result;
  }

  async popularPages(limit: number): Promise<string[]> {
    return byRank(this.trackedPages)
      .slice(0, clampCount(limit, READ_LIMITS.popular))
      .map(([page]) => page);
  }

  async nextSteps(items: string[], perItem: number): Promise<Record<string, NextStep[]>> {
    const limit = clampCount(perItem, READ_LIMITS.perItem);
    const result: Record<string, NextStep[]> = {};
    for (const item of [...new Set(items)].slice(0, READ_LIMITS.items)) {
      const ref = parseItemKey(item);
      if (!ref) continue;
      const stored = this.nextStepSets.get(ref.contentType)?.get(ref.documentId) ?? new Map<string, number>();
      result[item] = nextStepShares(ref.contentType, [...stored].map(([documentId, count]) => ({ documentId, count })), limit);
    }
    return result;
  }

  async neighbours(items: string[], perItem: number, now: number): Promise<Record<string, { item: string; score: number }[]>> {
    const limit = clampCount(perItem, READ_LIMITS.perItem);
    const toRead = neighboursToRead(limit, this.settings);
    const result: Record<string, { item: string; score: number }[]> = {};
    for (const item of [...new Set(items)].slice(0, READ_LIMITS.items)) {
      const ref = parseItemKey(item);
      if (!ref) continue;
      const popularity = this.popularity.get(ref.contentType)?.get('');
      const stored = this.neighbourSets.get(ref.contentType)?.get(ref.documentId) ?? new Map<string, number>();
      const top = strongest(
        [...stored].map(([documentId, coEngagement]) => ({ documentId, coEngagement, engagement: popularity?.get(documentId) ?? 0 })),
        toRead
      );
      result[item] = normalizeNeighbours(
        ref.contentType,
        { engagement: popularity?.get(ref.documentId) ?? 0, neighbours: top },
        limit,
        now,
        this.settings
      );
    }
    return result;
  }

  async popular(contentType: string, segment: string | null, limit: number, now: number): Promise<{ item: string; score: number }[]> {
    if (!isContentTypeUid(contentType) || (segment !== null && !isSegmentSlug(segment))) return [];
    const set = this.popularity.get(contentType)?.get(segment ?? '') ?? new Map<string, number>();
    return byRank(set)
      .slice(0, clampCount(limit, READ_LIMITS.popular))
      .map(([documentId, stored]) => ({ item: joinItemKey(contentType, documentId), score: decayedAt(stored, now, this.settings) }));
  }

  async history(visitorId: string, limit: number): Promise<{ item: string; at: number }[]> {
    coEngagementHistoryKey('', visitorId); // validates the id like the Redis driver
    const history = this.histories.get(visitorId) ?? new Map<string, number>();
    return newestFirst([...history].map(([item, at]) => ({ item, at }))).slice(0, clampCount(limit, READ_LIMITS.history));
  }

  async eraseVisitor(visitorId: string): Promise<void> {
    coEngagementHistoryKey('', visitorId);
    this.histories.delete(visitorId);
  }

  /** Sizes, for tests: histories kept, and the largest neighbour and popularity sets. */
  sizes(): { histories: number; maxNeighbours: number; maxPopularity: number } {
    const largest = (sets: Iterable<Map<string, ScoredSet>>) => Math.max(0, ...[...sets].flatMap((byKey) => [...byKey.values()].map((set) => set.size)));
    return { histories: this.histories.size, maxNeighbours: largest(this.neighbourSets.values()), maxPopularity: largest(this.popularity.values()) };
  }
}

/** Members best first: score descending, then member descending (ZREVRANGE's order). */
const byRank = (set: ScoredSet): [string, number][] => [...set].sort((a, b) => b[1] - a[1] || (a[0] < b[0] ? 1 : a[0] > b[0] ? -1 : 0));

/** Keeps the `bound` best members (ZREMRANGEBYRANK 0 -(bound+1) drops the lowest by score, then member). */
const trim = (set: ScoredSet, bound: number) => {
  if (set.size <= bound) return;
  if (set.size - bound > 4) {
    for (const [member] of byRank(set).slice(bound)) set.delete(member);
    return;
  }
  // Usually one member too many: drop the lowest in one pass instead of sorting.
  while (set.size > bound) {
    let lowest: [string, number] | undefined;
    for (const entry of set) if (!lowest || entry[1] < lowest[1] || (entry[1] === lowest[1] && entry[0] < lowest[0])) lowest = entry;
    set.delete(lowest![0]);
  }
};

const increment = (set: ScoredSet, increments: Map<string, number>) => {
  for (const [member, value] of increments) set.set(member, (set.get(member) ?? 0) + value);
};

const incrementAndTrim = (set: ScoredSet, increments: Map<string, number>, bound: number) => {
  increment(set, increments);
  trim(set, bound);
};
