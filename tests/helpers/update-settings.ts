import { parsePluginConfig } from '../../server/src/config/parse-config';
import { updateSettings } from '../../server/src/profiles/update-settings';
import type { UpdateSettings } from '../../server/src/store/profile-store';

/**
 * The store's update rules as the plugin derives them from its default config, with a per-visitor
 * event quota no benchmark or replay reaches: what benchmarks and offline evaluations write with.
 */
export const defaultUpdateSettings = (hourlyCounters: readonly string[] = []): UpdateSettings =>
  updateSettings(parsePluginConfig({ ingest: { perVisitorPerMinute: 1_000_000 } }), hourlyCounters);
