/** A variant as resolution sees it: live (enabled), of one entry and locale. */
export interface LiveVariant {
  /** The variant's own documentId: what `meta.personalization.variants` reports. */
  key: string;
  segment: string;
  priority: number;
  fields: Record<string, unknown>;
}

/** Highest priority first; on a tie, the older variant first (a stable order editors can predict). */
export const byVariantPriority = (a: LiveVariant & { createdAt?: string }, b: LiveVariant & { createdAt?: string }) =>
  b.priority - a.priority || (a.createdAt ?? '').localeCompare(b.createdAt ?? '') || a.key.localeCompare(b.key);

/**
 * The variant for a visitor, or null for the base entry. Pure. `variants` are in priority order;
 * `segments` are the visitor's, highest segment priority first. The highest-priority variant whose
 * segment the visitor is in wins; among variants of equal priority, the one of the visitor's
 * highest-priority segment.
 */
export const pickVariant = (variants: readonly LiveVariant[] | undefined, segments: readonly string[]): LiveVariant | null => {
  if (!variants || segments.length === 0) return null;
  let best: LiveVariant | null = null;
  let bestRank = Infinity;
  for (const variant of variants) {
    if (best && variant.priority < best.priority) break;
    const rank = segments.indexOf(variant.segment);
    if (rank >= 0 && rank < bestRank) {
      best = variant;
      bestRank = rank;
    }
  }
  return best;
};
