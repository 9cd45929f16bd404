import { isValidVisitorId } from '../store/keys';
import {
  isValidEngagement,
  planEngagement,
  type CoEngagementSettings,
  type ContentTypeIncrements,
  type EngagedItem,
  type HistoryEntry,
} from './co-engagement';

/**
 * A `record` batch as both store drivers apply it, in two steps: each visitor's history is updated
 * and its previous content read (`visitorEntries`), then the pairs and popularity of the whole
 * batch are planned and summed per content type (`planBatch`). Pure; one place, so both drivers
 * write the same increments in the same order.
 */

export interface VisitorEngagements {
  visitorId: string;
  /** The visitor's current segments ("popular in your segment"). */
  segments: string[];
  items: EngagedItem[];
}

export interface VisitorEntry {
  visitorId: string;
  segments: string[];
  /** Valid engagements, times clamped to `now`. */
  items: EngagedItem[];
  /** What the history gains: the latest time per item. */
  history: HistoryEntry[];
}

/** Engagements per visitor (several entries of one visitor merged), without invalid ids or items. */
export const visitorEntries = (batch: readonly VisitorEngagements[], now: number): VisitorEntry[] => {
  const byVisitor = new Map<string, VisitorEntry>();
  for (const { visitorId, segments, items } of batch) {
    if (!isValidVisitorId(visitorId)) continue;
    // A timestamp in the future would outweigh every real engagement for ever (forward decay).
    const valid = items.map((item) => ({ ...item, at: Math.min(item.at, now) })).filter(isValidEngagement);
    if (valid.length === 0) continue;
    const entry = byVisitor.get(visitorId);
    if (entry) {
      entry.items.push(...valid);
      entry.segments = segments;
    } else {
      byVisitor.set(visitorId, { visitorId, segments, items: valid, history: [] });
    }
  }
  for (const entry of byVisitor.values()) {
    const latest = new Map<string, number>();
    for (const { item, at } of entry.items) latest.set(item, Math.max(at, latest.get(item) ?? -Infinity));
    entry.history = [...latest].map(([item, at]) => ({ item, at }));
  }
  return [...byVisitor.values()];
};

/** The batch's increments per content type, given each visitor's history before the batch. */
export const planBatch = (
  entries: readonly VisitorEntry[],
  previousOf: (visitorId: string) => readonly HistoryEntry[],
  settings: CoEngagementSettings
): Map<string, ContentTypeIncrements> => {
  const total = new Map<string, ContentTypeIncrements>();
  for (const entry of entries) planEngagement(previousOf(entry.visitorId), entry.items, entry.segments, settings, total);
  return total;
};
