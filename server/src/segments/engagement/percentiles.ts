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
