import { AFFINITY_SCALE } from './profile-fields';

/**
 * Topic affinity, the TypeScript definition: a score that halves every `halfLifeSec`, stored in a
 * profile field as `<milli-score>|<epoch seconds of the score>`. Its Lua twin,
 * `store/redis/affinity-lua.ts`, is what the Redis scripts run; the contract suite
 * (`tests/integration/store-contract/affinity.test.ts`) feeds both the same inputs and expects the
 * same stored strings, so change both together.
 */

/** A stored affinity: the score at `at` (epoch seconds). */
export interface Affinity {
  score: number;
  at: number;
}

const STORED = /^(\d+)\|(\d+)$/;

/** A stored value, or null when there is none (or it is not one). */
export const parseAffinity = (stored: string | undefined | null): Affinity | null => {
  const match = stored ? STORED.exec(stored) : null;
  return match ? { score: Number(match[1]) / AFFINITY_SCALE, at: Number(match[2]) } : null;
};

/** `score`, held at `from`, as it is worth at `to` (both epoch seconds, `to` >= `from`). */
export const decayAffinity = (score: number, from: number, to: number, halfLifeSec: number): number =>
  score * Math.exp((-Math.LN2 * (to - from)) / halfLifeSec);

/**
 * The stored value after adding `weight`, scored at `ts`: both decayed to the later of the two
 * times, so a late event never moves the reference time back. Rounded to thousandths, so that the
 * drivers store the same string. A negative weight (a bounce, `ingest/bounce.ts`) lowers the score
 * but never below 0: interest cannot be less than none, and the stored form holds no sign.
 */
export const addAffinity = (stored: string | undefined | null, weight: number, ts: number, halfLifeSec: number): string => {
  const { score, at } = parseAffinity(stored) ?? { score: 0, at: ts };
  const ref = Math.max(at, ts);
  const value = decayAffinity(score, at, ref, halfLifeSec) + decayAffinity(weight, ts, ref, halfLifeSec);
  return `${Math.max(0, Math.floor(value * AFFINITY_SCALE + 0.5))}|${ref}`;
};

/**
 * A stored value's score as it is worth at `now` (a value from the future counts in full; 0 for
 * anything the store does not write). Parsed digit by digit rather than with a regular expression:
 * this runs for every topic of every profile on the ingest path (segment rules, cluster assignment),
 * and allocates nothing.
 */
export const affinityAt = (stored: string, now: number, halfLifeSec: number): number => {
  let milli = 0;
  let at = 0;
  let bar = -1;
  for (let i = 0; i < stored.length; i++) {
    const code = stored.charCodeAt(i);
    if (code === 124 && bar < 0) bar = i;
    else if (code < 48 || code > 57) return 0;
    else if (bar < 0) milli = milli * 10 + (code - 48);
    else at = at * 10 + (code - 48);
  }
  if (bar <= 0 || bar === stored.length - 1) return 0;
  return decayAffinity(milli / AFFINITY_SCALE, at, Math.max(at, now), halfLifeSec);
};
