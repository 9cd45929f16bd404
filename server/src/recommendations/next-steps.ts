import { joinItemKey } from './item-ref';

/**
 * Next steps: a first-order Markov chain over the entries visitors engage with, for `next-v1`
 * ("visitors on this entry most often go to ...") and the admin's paths. Pure.
 *
 * Counting (in `planEngagement`): when a visitor engages with an entry within `stepWindowSec` of
 * the latest other entry of the same content type, the step latest → this one adds the forward-
 * decay weight of its time (`co-engagement.ts`) to a per-entry count of next entries. Kept per
 * entry with the neighbours' bound and trimming; a decayed sum, so old paths fade.
 *
 * Reading: the probability of each next entry is its share of the entry's stored steps. Both are
 * forward-decayed with the same landmark, so the share needs no "as of now" scaling.
 */

export interface NextStep {
  item: string;
  /** Estimated P(next = item | current), 0 to 1. */
  score: number;
}

/**
 * Stored decayed counts as shares of their total, best first (ties by key), at most `limit`. Both
 * are forward-decayed with the same landmark, so the share needs no "as of now" scaling.
 */
export const sharesOf = (stored: readonly { key: string; count: number }[], limit: number): { key: string; share: number }[] => {
  let total = 0;
  for (const { count } of stored) if (count > 0) total += count;
  if (total === 0) return [];
  return stored
    .filter(({ count }) => count > 0)
    .map(({ key, count }) => ({ key, share: count / total }))
    .sort((a, b) => b.share - a.share || (a.key < b.key ? -1 : a.key > b.key ? 1 : 0))
    .slice(0, limit);
};

/** Stored next-step sums of one entry as the probabilities of its next entries, best first (ties by item), at most `limit`. */
export const nextStepShares = (contentType: string, stored: readonly { documentId: string; count: number }[], limit: number): NextStep[] =>
  sharesOf(
    stored.map(({ documentId, count }) => ({ key: joinItemKey(contentType, documentId), count })),
    limit
  ).map(({ key, share }) => ({ item: key, score: share }));
