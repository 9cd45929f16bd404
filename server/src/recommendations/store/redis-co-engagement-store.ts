import { Cluster, type Redis } from 'ioredis';
import { coEngagementHistoryKey, itemNeighboursKey, itemNextStepsKey, itemPopularityKey, pageNextStepsKey, trackedPagesKey } from '../../store/keys';
import {
  decayedAt,
  DEFAULT_CO_ENGAGEMENT_SETTINGS,
  isSegmentSlug,
  neighboursToRead,
  neighbourTrimSlack,
  strongest,
  normalizeNeighbours,
  type CoEngagementSettings,
  type ContentTypeIncrements,
  type HistoryEntry,
} from '../co-engagement';
import { planBatch, visitorEntries, type VisitorEngagements, type VisitorEntry } from '../co-engagement-batch';
import { isContentTypeUid, joinItemKey, parseItemKey } from '../item-ref';
import { nextStepShares, sharesOf, type NextStep } from '../next-steps';
import { MAX_TRACKED_PAGES, type PagePathIncrements, type PageStep } from '../page-paths';
import { clampCount, READ_LIMITS, type CoEngagementStore } from './co-engagement-store';
import { READ_NEIGHBOURS_SCRIPT, RECORD_HISTORY_SCRIPT, RECORD_PAIRS_SCRIPT } from './co-engagement-scripts';

/** Members incremented per script call (a few milliseconds of Redis time). */
const MAX_MEMBERS_PER_SCRIPT = 2_000;
/** Visitors' histories per script call on a single Redis (about a millisecond of Redis time). */
const MAX_HISTORIES_PER_SCRIPT = 100;

interface ScriptedClient {
  /** `[numberOfKeys, ...keys, historySize, retentionSec, ...(count, ...(item, at)) per key]` */
  psnCoRecordHistory(keysAndArgs: (string | number)[]): Promise<string[][]>;
  /** `[numberOfKeys, ...keys, ...args]` */
  psnCoRecordPairs(keysAndArgs: (string | number)[]): Promise<number>;
  psnCoReadNeighbours(...keysAndArgs: (string | number)[]): Promise<[string, string[], (string | null)[]][]>;
}

/**
 * The Redis driver, on a client the caller owns (the profile store's, with auto-pipelining: the
 * scripts of one call leave in one socket write per node). `record` is two round trips per call
 * whatever the batch's size: the histories (updated, and returned as they were), then the batch's
 * pairs and popularity, one script per content type (cut in pieces when large). Reads are one round
 * trip: `history` a ZREVRANGE, `neighbours` one script per content type, `popular` a ZREVRANGE.
 */
export class RedisCoEngagementStore implements CoEngagementStore {
  readonly kind = 'redis' as const;
  readonly settings: CoEngagementSettings;

  constructor(
    private readonly client: Redis | Cluster,
    private readonly keyPrefix: string,
    settings: Partial<CoEngagementSettings> = {}
  ) {
    this.settings = { ...DEFAULT_CO_ENGAGEMENT_SETTINGS, ...settings };
    // These take their key count as first argument: it varies from call to call.
    client.defineCommand('psnCoRecordHistory', { lua: RECORD_HISTORY_SCRIPT });
    client.defineCommand('psnCoRecordPairs', { lua: RECORD_PAIRS_SCRIPT });
    client.defineCommand('psnCoReadNeighbours', { lua: READ_NEIGHBOURS_SCRIPT });
  }

  private get scripts(): ScriptedClient {
    return this.client as unknown as ScriptedClient;
  }

  async record(batch: VisitorEngagements[], now: number): Promise<void> {
    const entries = visitorEntries(batch, now);
    if (entries.length === 0) return;
    const previous = await this.recordHistories(entries);
    const increments = planBatch(entries, (visitorId) => previous.get(visitorId) ?? [], this.settings);
    await Promise.all([...increments].map(([contentType, counts]) => this.writeIncrements(contentType, counts)));
  }

  /**
   * Adds each visitor's new items to its history and returns each history as it was, by visitor.
   * Many visitors per script on a single Redis; one per script on a Cluster, where a script's keys
   * must share a slot. Issued in the same tick, the scripts leave in one pipeline.
   */
  private async recordHistories(entries: readonly VisitorEntry[]): Promise<Map<string, HistoryEntry[]>> {
    const { historySize, retentionSec } = this.settings;
    const perScript = this.client instanceof Cluster ? 1 : MAX_HISTORIES_PER_SCRIPT;
    const chunks: VisitorEntry[][] = [];
    for (let start = 0; start < entries.length; start += perScript) chunks.push(entries.slice(start, start + perScript));
    const replies = await Promise.all(
      chunks.map((chunk) => {
        const args: (string | number)[] = [chunk.length];
        for (const entry of chunk) args.push(coEngagementHistoryKey(this.keyPrefix, entry.visitorId));
        args.push(historySize, retentionSec);
        for (const { history } of chunk) {
          args.push(history.length);
          for (const { item, at } of history) args.push(item, String(at));
        }
        return this.scripts.psnCoRecordHistory(args);
      })
    );
    const previous = new Map<string, HistoryEntry[]>();
    chunks.forEach((chunk, c) => chunk.forEach((entry, i) => previous.set(entry.visitorId, historyOf(replies[c][i]))));
    return previous;
  }

  /**
   * One content type's increments, in scripts of at most MAX_MEMBERS_PER_SCRIPT members each: a
   * script blocks Redis while it runs, so a flush of thousands of visitors is cut into pieces of a
   * few milliseconds. Issued in the same tick, the pieces still leave in one pipeline.
   */
  private writeIncrements(contentType: string, { popularity, segmentPopularity, neighbours, nextSteps }: ContentTypeIncrements): Promise<number[]> {
    const popularitySets: [string, Map<string, number>][] = [
      [itemPopularityKey(this.keyPrefix, contentType, null), popularity],
      ...[...segmentPopularity].map(([segment, counts]): [string, Map<string, number>] => [itemPopularityKey(this.keyPrefix, contentType, segment), counts]),
    ];
    // Next steps are hashes bounded and trimmed as neighbours are: the script treats them alike.
    const neighbourSets = [
      ...[...neighbours].map(([documentId, counts]): [string, Map<string, number>] => [itemNeighboursKey(this.keyPrefix, contentType, documentId), counts]),
      ...[...nextSteps].map(([documentId, counts]): [string, Map<string, number>] => [itemNextStepsKey(this.keyPrefix, contentType, documentId), counts]),
    ];
    const { maxItems, maxNeighbours, retentionSec } = this.settings;
    const calls: Promise<number>[] = [];
    let chunk: { keys: string[]; args: string[]; popularityKeys: number; members: number } = { keys: [], args: [], popularityKeys: 0, members: 0 };
    const send = () => {
      if (chunk.keys.length === 0) return;
      // One array argument: spread, a large flush's arguments would overflow the call stack.
      calls.push(this.scripts.psnCoRecordPairs([chunk.keys.length, ...chunk.keys, maxItems, maxNeighbours, retentionSec, chunk.popularityKeys, neighbourTrimSlack(maxNeighbours), ...chunk.args]));
      chunk = { keys: [], args: [], popularityKeys: 0, members: 0 };
    };
    for (const [index, [key, counts]] of [...popularitySets, ...neighbourSets].entries()) {
      // Popularity sets come first in a script (the script tells them apart by position).
      if (chunk.members > 0 && chunk.members + counts.size > MAX_MEMBERS_PER_SCRIPT) send();
      chunk.keys.push(key);
      if (index < popularitySets.length) chunk.popularityKeys++;
      chunk.args.push(String(counts.size));
      for (const [member, increment] of counts) chunk.args.push(member, String(increment));
      chunk.members += counts.size;
    }
    send();
    return Promise.all(calls);
  }

  /** One script (all keys under `{pp}`): the tracked pages are its popularity set, next steps its neighbour sets. */
  async recordPagePaths({ pages, next }: PagePathIncrements): Promise<void> {
    if (pages.size === 0) return;
    const { maxNeighbours, retentionSec } = this.settings;
    const sets: [string, Map<string, number>][] = [[trackedPagesKey(this.keyPrefix), pages], ...[...next].map(([page, counts]): [string, Map<string, number>] => [pageNextStepsKey(this.keyPrefix, page), counts])];
    const args: string[] = [];
    for (const [, counts] of sets) {
      args.push(String(counts.size));
      for (const [member, increment] of counts) args.push(member, String(increment));
    }
    await this.scripts.psnCoRecordPairs([sets.length, ...sets.map(([key]) => key), MAX_TRACKED_PAGES, maxNeighbours, retentionSec, 1, neighbourTrimSlack(maxNeighbours), ...args]);
  }

  async pagePaths(pages: string[], perPage: number): Promise<Record<string, PageStep[]>> {
    const limit = clampCount(perPage, READ_LIMITS.perItem);
    const list = [...new Set(pages)].slice(0, READ_LIMITS.items);
    const stored = await Promise.all(list.map((page) => this.client.hgetall(pageNextStepsKey(this.keyPrefix, page))));
    return Object.fromEntries(
      list.map((page, i) => [page, sharesOf(Object.entries(stored[i]).map(([key, count]) => ({ key, count: Number(count) })), limit).map(({ key, share }) => ({ label: key, share }))])
    );
  }

  async popularPages(limit: number): Promise<string[]> {
    const count = clampCount(limit, READ_LIMITS.popular);
    return count === 0 ? [] : this.client.zrevrange(trackedPagesKey(this.keyPrefix), 0, count - 1);
  }

  async neighbours(items: string[], perItem: number, now: number): Promise<Record<string, { item: string; score: number }[]>> {
    const limit = clampCount(perItem, READ_LIMITS.perItem);
    const byContentType = new Map<string, { item: string; documentId: string }[]>();
    for (const item of [...new Set(items)].slice(0, READ_LIMITS.items)) {
      const ref = parseItemKey(item);
      if (!ref) continue;
      const list = byContentType.get(ref.contentType) ?? [];
      list.push({ item, documentId: ref.documentId });
      byContentType.set(ref.contentType, list);
    }
    const toRead = neighboursToRead(limit, this.settings);
    const result: Record<string, { item: string; score: number }[]> = {};
    await Promise.all(
      [...byContentType].map(async ([contentType, list]) => {
        const replies = await this.scripts.psnCoReadNeighbours(
          list.length + 1,
          itemPopularityKey(this.keyPrefix, contentType, null),
          ...list.map(({ documentId }) => itemNeighboursKey(this.keyPrefix, contentType, documentId)),
          toRead,
          ...list.map(({ documentId }) => documentId)
        );
        list.forEach(({ item }, i) => {
          const [own, flat, engagement] = replies[i];
          const neighbours = [];
          for (let j = 0; j < flat.length; j += 2) {
            neighbours.push({ documentId: flat[j], coEngagement: Number(flat[j + 1]), engagement: Number(engagement[j / 2] ?? 0) });
          }
          result[item] = normalizeNeighbours(contentType, { engagement: Number(own), neighbours: strongest(neighbours, toRead) }, limit, now, this.settings);
        });
      })
    );
    return result;
  }

  async nextSteps(items: string[], perItem: number): Promise<Record<string, NextStep[]>> {
    const limit = clampCount(perItem, READ_LIMITS.perItem);
    const refs = [...new Set(items)].slice(0, READ_LIMITS.items).flatMap((item) => {
      const ref = parseItemKey(item);
      return ref ? [{ item, ...ref }] : [];
    });
    // Each set is bounded (maxNeighbours plus the trim slack): read whole, one pipeline.
    const stored = await Promise.all(refs.map(({ contentType, documentId }) => this.client.hgetall(itemNextStepsKey(this.keyPrefix, contentType, documentId))));
    return Object.fromEntries(
      refs.map(({ item, contentType }, i) => [item, nextStepShares(contentType, Object.entries(stored[i]).map(([documentId, count]) => ({ documentId, count: Number(count) })), limit)])
    );
  }

  async popular(contentType: string, segment: string | null, limit: number, now: number): Promise<{ item: string; score: number }[]> {
    const count = clampCount(limit, READ_LIMITS.popular);
    if (!isContentTypeUid(contentType) || (segment !== null && !isSegmentSlug(segment)) || count === 0) return [];
    const flat = await this.client.zrevrange(itemPopularityKey(this.keyPrefix, contentType, segment), 0, count - 1, 'WITHSCORES');
    const result: { item: string; score: number }[] = [];
    for (let i = 0; i < flat.length; i += 2) {
      result.push({ item: joinItemKey(contentType, flat[i]), score: decayedAt(Number(flat[i + 1]), now, this.settings) });
    }
    return result;
  }

  async history(visitorId: string, limit: number): Promise<{ item: string; at: number }[]> {
    const key = coEngagementHistoryKey(this.keyPrefix, visitorId);
    const count = clampCount(limit, READ_LIMITS.history);
    if (count === 0) return [];
    return historyOf(await this.client.zrevrange(key, 0, count - 1, 'WITHSCORES'));
  }

  async eraseVisitor(visitorId: string): Promise<void> {
    await this.client.del(coEngagementHistoryKey(this.keyPrefix, visitorId));
  }
}

/** A flat `member, score` reply as history entries, in the reply's order. */
const historyOf = (flat: string[]): HistoryEntry[] => {
  const entries: HistoryEntry[] = [];
  for (let i = 0; i < flat.length; i += 2) entries.push({ item: flat[i], at: Number(flat[i + 1]) });
  return entries;
};
