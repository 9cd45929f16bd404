/**
 * How two devices' step records become one when the devices turn out to be one user: both lists
 * (newest first, as stored) interleaved by time, newest first, capped. Pure; the memory driver
 * calls it and `store/redis/merge-script.ts` does the same in Lua, so change both together.
 */

/** The time at the head of a stored step (`encodeStep`: `[ts, ...]`), read without parsing the rest; -Infinity if unreadable. */
export const storedStepTime = (stored: string): number => {
  const match = /^\[(-?\d+)/.exec(stored);
  return match ? Number(match[1]) : -Infinity;
};

/**
 * Newest first; at equal times the target's steps before the source's, each list in its stored
 * order (a stable order, so that both drivers agree). Unreadable steps sort last and go first when
 * the cap bites.
 */
export const interleaveSteps = (target: readonly string[], source: readonly string[], cap: number): string[] =>
  [...target, ...source]
    .map((step, index) => ({ step, index, ts: storedStepTime(step) }))
    .sort((a, b) => (a.ts === b.ts ? a.index - b.index : b.ts - a.ts))
    .slice(0, Math.max(0, cap))
    .map(({ step }) => step);
