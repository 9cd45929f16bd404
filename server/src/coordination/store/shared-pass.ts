/**
 * A pass over every stored profile that several instances share: its work is split into
 * partitions that instances claim one at a time (a claim expires unless renewed, so the partition of
 * an instance that died is taken over), each partition adding its totals when done; the instance
 * that claims the step after the last partition (`partitions`, the finishing step) does what needs
 * the whole pass. Kept in one Redis hash, changed by scripts, so any instance can read it whole.
 */
export interface SharedPass {
  id: string;
  /** What the pass's work depends on (the segment rules): a pass begun with another version replaces it. */
  version: string;
  state: 'running' | 'done';
  partitions: number;
  partitionsDone: number;
  /** Partitions (or the finishing step) under a live claim. */
  claimed: number;
  /** Epoch ms, by the clock of the instance that began it. */
  startedAt: number;
  finishedAt?: number;
  /** What the job planned (its own JSON): partitions, scope, reason. */
  plan: string;
  /** Added by finished partitions. */
  totals: Record<string, number>;
  /** The largest value each finished partition reported. */
  maxima: Record<string, number>;
  /** How many partitions each instance finished. */
  finishedBy: Record<string, number>;
  /** Progress reported by partitions not finished yet. */
  progress: number;
  /** The last error an instance reported before giving its partition back. */
  error?: string;
  /** The start and version of the latest pass that completed (kept when the next one begins). */
  lastCompleted?: { startedAt: number; version: string };
}

export interface PassProposal {
  id: string;
  version: string;
  partitions: number;
  startedAt: number;
  plan: string;
}

/** Reads a pass from its hash (field names shared by the Lua scripts and the memory driver). */
export const passOfHash = (hash: Record<string, string>, nowMs: number): SharedPass | null => {
  if (!hash.id) return null;
  const partitions = Number(hash.partitions);
  const totals: Record<string, number> = {};
  const maxima: Record<string, number> = {};
  const finishedBy: Record<string, number> = {};
  let progress = 0;
  let claimed = 0;
  for (const [field, value] of Object.entries(hash)) {
    if (field.startsWith('t:')) totals[field.slice(2)] = Number(value);
    else if (field.startsWith('m:')) maxima[field.slice(2)] = Number(value);
    else if (field.startsWith('finished:')) finishedBy[value] = (finishedBy[value] ?? 0) + 1;
    else if (field.startsWith('progress:')) progress += Number(value);
    else if (field.startsWith('until:') && Number(value) >= nowMs) claimed += 1;
  }
  return {
    id: hash.id,
    version: hash.version,
    state: hash.state === 'done' ? 'done' : 'running',
    partitions,
    partitionsDone: Number(hash.done),
    claimed,
    startedAt: Number(hash.startedAt),
    ...(hash.finishedAt ? { finishedAt: Number(hash.finishedAt) } : {}),
    plan: hash.plan,
    totals,
    maxima,
    finishedBy,
    progress,
    ...(hash.error ? { error: hash.error } : {}),
    ...(hash.lastStartedAt ? { lastCompleted: { startedAt: Number(hash.lastStartedAt), version: hash.lastVersion } } : {}),
  };
};
