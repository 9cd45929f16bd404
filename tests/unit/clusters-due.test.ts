import { clusteringDue, MIN_LIVE_PROFILES, type DueInput } from '../../server/src/clusters/clustering-due';

const base: DueInput = { lastRunAt: 1_000_000, now: 1_000_000 + 3600, refreshHours: 24, hasProfiles: true, liveProfiles: 0, liveDrift: [], driftThreshold: 0.25 };
const drift = (psi: number) => [{ feature: 'pageviews', psi, reading: 'shifted' as const }, { feature: 'sessions', psi: 0.01, reading: 'stable' as const }];

describe('when clustering runs on its own (pure)', () => {
  it.each<[string, Partial<DueInput>, string | null]>([
    ['nothing to cluster', { hasProfiles: false, lastRunAt: null }, null],
    ['never run, with profiles', { lastRunAt: null }, 'first run'],
    ['an hour after a run, refresh daily', {}, null],
    ['a day after a run', { now: 1_000_000 + 24 * 3600 }, 'scheduled refresh'],
    ['schedule off: a week later', { refreshHours: 0, now: 1_000_000 + 7 * 24 * 3600 }, null],
    ['drift past the threshold with enough live profiles', { liveProfiles: MIN_LIVE_PROFILES, liveDrift: drift(0.4) }, 'drift: pageviews PSI 0.40'],
    ['the same drift over too few profiles', { liveProfiles: MIN_LIVE_PROFILES - 1, liveDrift: drift(0.4) }, null],
    ['drift under the threshold', { liveProfiles: 10_000, liveDrift: drift(0.2) }, null],
  ])('%s', (_name, change, expected) => {
    expect(clusteringDue({ ...base, ...change })).toBe(expected);
  });
});
