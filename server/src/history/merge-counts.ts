/** Named counters (a day's site counters, an experiment's daily buckets). */
export type Counts = Record<string, number>;

/**
 * Redis counters only grow, and start again from nothing after a flush (or when a key expires):
 * per counter, the larger of the stored and the live value has seen more. While Redis holds the
 * day, that is Redis's (fresher) value; after a flush, the stored one. The rollup writes this and
 * the admin reads it, so what is shown is what the next rollup keeps. Pure.
 */
export const mergeCounts = (stored: Counts | undefined, live: Counts | undefined): Counts => {
  const merged: Counts = { ...stored };
  for (const [name, value] of Object.entries(live ?? {})) merged[name] = Math.max(merged[name] ?? value, value);
  return merged;
};

/** `mergeCounts` day by day; a day neither side has is left out. Pure. */
export const mergeCountsByDay = (stored: Record<number, Counts>, live: Record<number, Counts>): Record<number, Counts> => {
  const merged: Record<number, Counts> = {};
  for (const day of new Set([...Object.keys(stored), ...Object.keys(live)].map(Number))) merged[day] = mergeCounts(stored[day], live[day]);
  return merged;
};

/** The counters whose merged value differs from the stored one: what a rollup writes (nothing on a re-run). Pure. */
export const changedCounts = (stored: Counts | undefined, merged: Counts): Counts =>
  Object.fromEntries(Object.entries(merged).filter(([name, value]) => stored?.[name] !== value));

/**
 * A gauge per day (a segment's size that day, recorded by the periodic pass): Redis's value where
 * it has one (the pass overwrites it during the day), else the stored one. Pure.
 */
export const mergeGauges = (stored: Record<number, number>, live: Record<number, number>): Record<number, number> => ({ ...stored, ...live });
