import { parseItemKey } from './item-ref';
import type { RecommendationReason, StrategyId } from './strategies';

/**
 * The recommender: from what the store read (the visitor's history or one entry, its neighbours,
 * popularity) and what the caller knows (topic affinities, candidates' topics), the ranked items,
 * each with the reason it is there. Pure: no store, no clock, no Strapi.
 *
 * - `cf-v1`: for each candidate, the sum over history items of `recencyFactor^rank ·
 *   similarity(history item, candidate)`, the newest history item at rank 0: what the visitor did
 *   last says most about what they want next. When it finds fewer than `limit` (a new visitor, an
 *   entry nobody engaged with yet), topic-v1 fills in, then popular-v1.
 * - `next-v1`: the share of the steps from the newest history item (or the entry asked about) that
 *   went to each candidate: where visitors most often go next. cf-v1, then topic-v1 and popular-v1
 *   fill in.
 * - `topic-v1`: for each candidate, the visitor's shares of its topics, divided by √(topic count)
 *   so that an entry tagged with everything does not win by tagging; popular-v1 fills in.
 * - `popular-v1`: the popularity list as read (decayed, the segment's when the caller chose it).
 *
 * Scores are comparable within a reason only; results are ordered by reason (next step,
 * co-engagement, topic, popular), then score, then item key (so equal inputs give equal answers).
 */

export interface RecommendInput {
  strategy: StrategyId;
  /** Only items of this content type are recommended (when set). */
  contentType?: string;
  /** The visitor's history, newest first; or the one entry of "related to this entry". */
  history: readonly { item: string; at?: number }[];
  /** next-v1: the next items of the newest history item, as `CoEngagementStore.nextSteps` returns them. */
  nextSteps?: Readonly<Record<string, readonly { item: string; score: number }[]>>;
  /** Neighbours of history items, as `CoEngagementStore.neighbours` returns them (similarities). */
  neighbours: Readonly<Record<string, readonly { item: string; score: number }[]>>;
  /** Candidates' popularity, best first. */
  popular: readonly { item: string; score: number }[];
  /** The visitor's topic affinities (any positive scale). */
  topicAffinities: Readonly<Record<string, number>>;
  /** Topics of the candidates topic-v1 may pick from. */
  candidateTopics: Readonly<Record<string, readonly string[]>>;
  /** Never recommended (what the visitor just viewed, unless asked). */
  exclude: readonly string[];
  limit: number;
  /** Weight of the history item at rank r is `recencyFactor^r`; default 0.75. */
  recencyFactor?: number;
}

export interface Recommendation {
  item: string;
  documentId: string;
  reason: RecommendationReason;
  score: number;
}

export const DEFAULT_RECENCY_FACTOR = 0.75;
/** Largest answer: a page of recommendations, not a catalogue. */
export const MAX_RECOMMENDATIONS = 100;

export const recommend = (input: RecommendInput): Recommendation[] => {
  const limit = Math.max(0, Math.min(Math.floor(input.limit), MAX_RECOMMENDATIONS));
  const taken = new Map<string, Recommendation>();
  const excluded = new Set(input.exclude);
  const take = (ranked: { item: string; score: number }[], reason: RecommendationReason) => {
    for (const { item, score } of ranked) {
      if (taken.size >= limit) return;
      if (taken.has(item) || excluded.has(item)) continue;
      const ref = parseItemKey(item);
      if (!ref || (input.contentType !== undefined && ref.contentType !== input.contentType)) continue;
      taken.set(item, { item, documentId: ref.documentId, reason, score });
    }
  };
  if (input.strategy === 'next-v1') take(nextStepScores(input), 'next-step');
  if (input.strategy === 'cf-v1' || input.strategy === 'next-v1') take(coEngagementScores(input), 'co-engagement');
  if (input.strategy !== 'popular-v1') take(topicScores(input), 'topic');
  take([...input.popular], 'popular');
  return [...taken.values()];
};

const byScore = (a: { item: string; score: number }, b: { item: string; score: number }) =>
  b.score - a.score || (a.item < b.item ? -1 : a.item > b.item ? 1 : 0);

/** cf-v1's scores, best first. */
export const coEngagementScores = (input: Pick<RecommendInput, 'history' | 'neighbours' | 'recencyFactor'>): { item: string; score: number }[] => {
  const factor = input.recencyFactor ?? DEFAULT_RECENCY_FACTOR;
  const scores = new Map<string, number>();
  let weight = 1;
  const seen = new Set<string>();
  for (const { item } of input.history) {
    if (seen.has(item)) continue;
    seen.add(item);
    for (const neighbour of input.neighbours[item] ?? []) {
      if (neighbour.score > 0) scores.set(neighbour.item, (scores.get(neighbour.item) ?? 0) + weight * neighbour.score);
    }
    weight *= factor;
  }
  return [...scores].map(([item, score]) => ({ item, score })).sort(byScore);
};

/** next-v1's scores, best first: the next items of the newest history item only (a first-order chain). */
export const nextStepScores = (input: Pick<RecommendInput, 'history' | 'nextSteps'>): { item: string; score: number }[] => {
  const current = input.history[0]?.item;
  return current === undefined ? [] : [...(input.nextSteps?.[current] ?? [])].sort(byScore);
};

/** topic-v1's scores, best first; candidates matching no topic are left out. */
export const topicScores = (input: Pick<RecommendInput, 'topicAffinities' | 'candidateTopics'>): { item: string; score: number }[] => {
  let total = 0;
  for (const value of Object.values(input.topicAffinities)) if (value > 0) total += value;
  if (total === 0) return [];
  const scored: { item: string; score: number }[] = [];
  for (const [item, topics] of Object.entries(input.candidateTopics)) {
    if (topics.length === 0) continue;
    let sum = 0;
    for (const topic of new Set(topics)) {
      const affinity = Object.prototype.hasOwnProperty.call(input.topicAffinities, topic) ? input.topicAffinities[topic] : 0;
      if (affinity > 0) sum += affinity / total;
    }
    if (sum > 0) scored.push({ item, score: sum / Math.sqrt(new Set(topics).size) });
  }
  return scored.sort(byScore);
};
