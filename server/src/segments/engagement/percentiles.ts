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

/** The highest p (0-100) whose cut point the score reaches; undefined without a distribution. */
export const percentileOf = (score: number, cuts: readonly number[]): number | undefined => {
  if (cuts.length === 0) return undefined;
  let low = 0;
  let high = cuts.length - 1;
  if (score < cuts[0]) return 0;
  while (low < high) {
    const middle = Math.ceil((low + high) / 2);
    if (cuts[middle] <= score) low = middle;
    else high = middle - 1;
  }
  return low;
};
