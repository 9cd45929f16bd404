/** What the rollup needs to know of an experiment. */
export interface ExperimentState {
  id: string;
  status: 'draft' | 'running' | 'paused' | 'stopped';
  /** ISO string, or a Date from some database drivers. */
  stoppedAt: string | Date | null;
}

/**
 * After an experiment stops, its counters stop changing (conversions count only for running
 * experiments, and every instance knows within seconds): rollups keep looking at it this long.
 */
export const STOPPED_SETTLE_SEC = 2 * 86_400;

/**
 * The experiments a rollup at `nowSec` reads: those whose counters may still change (running,
 * paused, stopped lately) and any other one history has nothing of yet (the first rollup of an
 * existing site, a rollup missed around the stop). Drafts have no counters. Pure.
 */
export const experimentsToRollUp = (experiments: readonly ExperimentState[], withHistory: ReadonlySet<string>, nowSec: number): string[] =>
  experiments
    .filter((experiment) => {
      if (experiment.status === 'draft') return false;
      if (experiment.status !== 'stopped' || !withHistory.has(experiment.id)) return true;
      const stoppedAt = experiment.stoppedAt ? new Date(experiment.stoppedAt).getTime() / 1000 : 0;
      return nowSec - stoppedAt < STOPPED_SETTLE_SEC;
    })
    .map((experiment) => experiment.id);
