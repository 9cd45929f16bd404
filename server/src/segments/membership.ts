import type { Predicate } from './rules/compile-rules';
import { ProfileFacts, type EvaluationInput } from './rules/profile-facts';

export interface CompiledSegment {
  slug: string;
  priority: number;
  matches: Predicate;
  /** How long after a visitor's latest event time alone can change the verdict (`rules/time-dependence.ts`); null: never. */
  lookbackSec?: number | null;
}

/** Highest priority first, then by slug: the order resolution picks variants in. */
export const bySegmentPriority = (a: { slug: string; priority: number }, b: { slug: string; priority: number }) =>
  b.priority - a.priority || a.slug.localeCompare(b.slug);

/** The slugs of the segments a profile belongs to, in priority order. Pure. */
export const evaluateMembership = (segments: readonly CompiledSegment[], input: EvaluationInput): string[] => {
  const facts = new ProfileFacts(input);
  const slugs: string[] = [];
  for (const segment of segments) if (segment.matches(facts)) slugs.push(segment.slug);
  return slugs;
};

export interface MembershipChange {
  previous: string[];
  segments: string[];
  entered: string[];
  left: string[];
}

/** What changed between the stored membership and a new evaluation; null when nothing did. */
export const membershipChange = (before: readonly string[], after: string[]): MembershipChange | null => {
  const entered = after.filter((slug) => !before.includes(slug));
  const left = before.filter((slug) => !after.includes(slug));
  const reordered = entered.length === 0 && left.length === 0 && before.some((slug, i) => after[i] !== slug);
  if (entered.length === 0 && left.length === 0 && !reordered) return null;
  return { previous: [...before], segments: after, entered, left };
};
