import { resolveFact } from './facts';
import { durationMs } from './rule-dates';
import type { RuleNode } from './rule-schema';

const HOUR = 3_600;
const DAY = 86_400;

/**
 * How long after a visitor's latest event a rule's verdict can still change with time alone: null
 * when it cannot (it reads only what events write), Infinity when it can at any time.
 *
 * - A window (`window: "7d"` or `"6h"`) empties `n` days (hours) after the latest event, then
 *   stays 0: buckets are dated by their events.
 * - `daysSinceLastSeen` / `daysSinceFirstSeen` only grow; once past the largest number the
 *   condition compares with, every comparison keeps its verdict. The first visit is never later
 *   than the latest, so the latest event bounds both.
 * - `inLast` on `firstSeen` / `lastSeen` holds for its duration after the event, then never again;
 *   on a trait's date it can change at any time (the date may lie in the future): Infinity.
 * - `engagement.percentile` moves with everyone else's engagement: Infinity.
 * - Topic shares are not here: every topic decays at the same rate, so their shares do not change
 *   with time alone.
 * - Sequences are not here either: their window spans the matched steps themselves (from the first
 *   to the last, or the pauses between them), never reaching to now, and only a new event changes
 *   the recorded steps.
 */
export const ruleLookbackSec = (node: RuleNode): number | null => {
  if ('all' in node) return longestLookbackSec(node.all.map(ruleLookbackSec));
  if ('any' in node) return longestLookbackSec(node.any.map(ruleLookbackSec));
  if ('not' in node) return ruleLookbackSec(node.not);
  if ('sequence' in node) return null;
  if (node.window) {
    const size = Number(node.window.slice(0, -1));
    return node.window.endsWith('h') ? size * HOUR : size * DAY;
  }
  const fact = resolveFact(node.fact)?.name;
  // The span includes its first second: one more before the verdict settles.
  if (node.op === 'inLast') return fact === 'lastSeen' || fact === 'firstSeen' ? (durationMs(node.value) ?? Infinity) / 1000 + 1 : Infinity;
  if (fact === 'engagement.percentile') return Infinity;
  if (fact === 'daysSinceLastSeen' || fact === 'daysSinceFirstSeen') {
    const values = (Array.isArray(node.value) ? node.value : [node.value]).filter((value): value is number => typeof value === 'number');
    return values.length === 0 ? null : (Math.max(0, ...values) + 1) * DAY;
  }
  return null;
};

/** The longest of several lookbacks (null: none depends on time). */
export const longestLookbackSec = (lookbacks: readonly (number | null)[]): number | null =>
  lookbacks.reduce<number | null>((longest, lookback) => (lookback === null ? longest : Math.max(longest ?? 0, lookback)), null);
