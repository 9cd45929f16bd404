import type { PluginConfig } from '../config';
import type { StoredProfile } from '../store/profile-store';
import { toProfileView, type ProfileView } from './profile-view';

export interface ProfileExport {
  visitorId: string;
  exportedAt: string;
  /** The readable profile (null when nothing is held), its journey steps among it (time, kind, name, category, content type, topics). */
  profile: ProfileView | null;
  /** Everything held, as stored: counters, daily buckets, recent items, journey steps, traits, segments, merged ids. */
  stored: StoredProfile | null;
  retention: string;
}

/** Art. 15 export: the readable view and the raw data behind it. Pure. */
export const profileExport = (
  visitorId: string,
  stored: StoredProfile | null,
  now: number,
  config: PluginConfig
): ProfileExport => ({
  visitorId,
  exportedAt: new Date(now * 1000).toISOString(),
  profile: stored ? toProfileView(stored, now, config.affinity.halfLifeDays * 86_400) : null,
  stored,
  retention: `every key expires ${config.retentionDays} days after the last activity`,
});
