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

/** The first variant (in priority order) whose segment the visitor is in; null for the base entry. Pure. */
export const pickVariant = (variants: readonly LiveVariant[] | undefined, segments: ReadonlySet<string>): LiveVariant | null => {
  if (!variants) return null;
  for (const variant of variants) if (segments.has(variant.segment)) return variant;
  return null;
};
