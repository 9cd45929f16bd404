/**
 * A seeded pseudo-random generator (mulberry32: 32 bits of state, passes the usual statistical
 * batteries for this use). Sampling and restarts take their randomness from here so that a run with
 * the same seed over the same data gives the same clusters; the clock never seeds it.
 */
export type Random = () => number;

/** Uniform numbers in [0, 1) from a 32-bit seed. */
export const seededRandom = (seed: number): Random => {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4_294_967_296;
  };
};

/** `count` distinct indexes of 0..n-1 in random order (a partial Fisher-Yates shuffle). */
export const sampleIndexes = (n: number, count: number, random: Random): number[] => {
  const indexes = Array.from({ length: n }, (_, index) => index);
  const size = Math.min(count, n);
  for (let i = 0; i < size; i++) {
    const j = i + Math.floor(random() * (n - i));
    [indexes[i], indexes[j]] = [indexes[j], indexes[i]];
  }
  return indexes.slice(0, size);
};
