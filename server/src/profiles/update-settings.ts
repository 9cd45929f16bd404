import type { PluginConfig } from '../config';
import type { UpdateSettings } from '../store/profile-store';

/** The inactivity that ends a session: how ingest counts sessions and what a sequence rule "within session" allows between steps. */
export const sessionGapSecOf = (config: PluginConfig): number => config.session.inactivityMinutes * 60;

/**
 * The store's update rules: the plugin config's, and the counters kept per hour, which follow the
 * enabled segments.
 */
export const updateSettings = (config: PluginConfig, hourlyCounters: readonly string[]): UpdateSettings => ({
  sessionGapSec: sessionGapSecOf(config),
  affinityHalfLifeSec: Math.round(config.affinity.halfLifeDays * 86_400),
  recentCap: config.profile.recentItems,
  journeySteps: config.profile.journeySteps,
  retentionSec: config.retentionDays * 86_400,
  windowDays: config.profile.windowDays,
  maxFields: config.profile.maxFields,
  maxWindowBuckets: config.profile.maxWindowBuckets,
  maxTraits: config.profile.maxTraits,
  eventQuota: { limit: config.ingest.perVisitorPerMinute, windowSec: 60 },
  hourlyCounters,
});
