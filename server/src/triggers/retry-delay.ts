/**
 * Exponential backoff with full jitter (AWS's "Exponential Backoff And Jitter"): attempt n waits a
 * random time up to base × 2^(n-1), capped; jitter spreads the retries of a receiver that came back.
 * Pure: the random draw is passed in.
 */
export const retryDelaySec = (attempt: number, baseSec: number, maxSec: number, random: number): number => {
  const ceiling = Math.min(maxSec, baseSec * 2 ** Math.max(0, attempt - 1));
  // Never below half the ceiling: a receiver that failed gets at least some rest.
  return ceiling / 2 + (ceiling / 2) * random;
};
