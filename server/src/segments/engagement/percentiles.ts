/**
 * The distribution of engagement scores, kept as 101 cut points (the 0th to 100th percentile of
 * all stored profiles' scores), computed by the periodic job; a visitor's percentile is then found
 * by binary search, without storing anything per visitor.
 */
export const percentileCuts = (scores: number[]): number[] => {
  if (scores.length === 0) return [];
  const sorted = [...scores].sort((a, b) => a - b);
  return Array.from({ length: 101 }, (_, p) => sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))]);
};

/** The first index whose cut point passes `test` (cuts are sorted, so those that pass come last). */
const firstIndex = (cuts: readonly number[], test: (cut: number) => boolean): number => {
  let low = 0;
  let high = cuts.length;
  while (low < high) {
    const middle = (low + high) >> 1;
    if (test(cuts[middle])) high = middle;
    else low = middle + 1;
  }
  return low;
};

/**
 * The visitor's percentile (0-100) at the middle of the run of cut points equal to their score
 * (mid-rank): when most visitors share one score (95 of 100 with a single visit), they sit in the
 * middle, not all in the top decile. Undefined without a distribution.
 */
export const percentileOf = (score: number, cuts: readonly number[]): number | undefined => {
  if (cuts.length === 0) return undefined;
  const below = firstIndex(cuts, (cut) => cut >= score);
  const upTo = firstIndex(cuts, (cut) => cut > score) - 1;
  // No cut point equals the score: the last one below it.
  if (upTo < below) return Math.max(0, upTo);
  return Math.floor((below + upTo) / 2);
};

/**
 * Scores by hundredths of a point: what the passes over partitions of the profiles add up in the
 * store (a count and the largest exact score per bucket), since no instance sees every score.
 */
export type ScoreHistogram = Map<number, { count: number; max: number }>;

export const addScore = (histogram: ScoreHistogram, score: number): void => {
  const bucket = Math.floor(score * 100);
  const held = histogram.get(bucket);
  if (held) {
    held.count += 1;
    held.max = Math.max(held.max, score);
  } else histogram.set(bucket, { count: 1, max: score });
};

/**
 * `percentileCuts` of the scores a histogram counts: each cut is the largest score of the bucket
 * holding that rank, so within a hundredth of the exact cut, and exactly the score itself where a
 * bucket holds one score (the many visitors with the same single visit).
 */
export const histogramCuts = (histogram: ScoreHistogram): number[] => {
  const buckets = [...histogram.entries()].sort((a, b) => a[0] - b[0]);
  const total = buckets.reduce((sum, [, { count }]) => sum + count, 0);
  if (total === 0) return [];
  const cuts: number[] = [];
  let index = 0;
  let below = 0;
  for (let p = 0; p <= 100; p += 1) {
    const rank = Math.min(total - 1, Math.floor((p / 100) * total));
    while (below + buckets[index][1].count <= rank) below += buckets[index++][1].count;
    cuts.push(buckets[index][1].max);
  }
  return cuts;
};
