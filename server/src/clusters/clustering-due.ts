import type { FeatureDrift } from './drift';

/** Live profiles needed before live drift is trusted: PSI over a handful of profiles is noise. */
export const MIN_LIVE_PROFILES = 500;

export interface DueInput {
  /** Epoch seconds of the last finished run; null if there never was one. */
  lastRunAt: number | null;
  /** Epoch seconds. */
  now: number;
  /** 0: no schedule, only on demand and on drift. */
  refreshHours: number;
  /** Stored profiles, roughly (nothing to cluster below a few hundred). */
  hasProfiles: boolean;
  liveProfiles: number;
  liveDrift: readonly FeatureDrift[];
  driftThreshold: number;
}

/**
 * Whether the scheduled check should start a clustering run, and why: never run yet (and there
 * are profiles), the refresh period passed, or the live stream drifted from the last run's sample
 * (the largest PSI past the threshold, once enough profiles were seen). Pure.
 */
export const clusteringDue = (input: DueInput): string | null => {
  if (!input.hasProfiles) return null;
  if (input.lastRunAt === null) return 'first run';
  if (input.refreshHours > 0 && input.now - input.lastRunAt >= input.refreshHours * 3600) return 'scheduled refresh';
  if (input.liveProfiles >= MIN_LIVE_PROFILES) {
    const worst = input.liveDrift.reduce<FeatureDrift | null>((max, drift) => (!max || drift.psi > max.psi ? drift : max), null);
    if (worst && worst.psi > input.driftThreshold) return `drift: ${worst.feature} PSI ${worst.psi.toFixed(2)}`;
  }
  return null;
};
