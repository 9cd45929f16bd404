import { AFFINITY_PREFIX } from '../../store/profile-fields';
import { ATTRIBUTION, FIELDS, PREFIX } from '../../profiles/profile-fields';
import { CORE_FIELDS } from '../../store/profile-fields';
import type { FactType } from './operators';

/**
 * The facts a rule can ask about, and where each comes from in a stored profile. Rules are checked
 * against this catalog when saved; the compiler turns each fact into a reader of the profile.
 */


export interface FactSpec {
  type: FactType;
  /** Can be asked over the last n days (`window: "7d"`): the name of its daily counter. */
  windowCounter?: string;
  describe: string;
}

/** Facts with a fixed name. */
export const SCALAR_FACTS: Record<string, FactSpec> = {
  pageviews: { type: 'number', windowCounter: FIELDS.pageviews, describe: 'page views' },
  sessions: { type: 'number', windowCounter: CORE_FIELDS.sessions, describe: 'sessions (30 minutes of inactivity end one)' },
  'dwell.total': { type: 'number', describe: 'seconds of visible time on pages' },
  'scroll.max': { type: 'number', describe: 'deepest scroll on any page, percent' },
  'scroll.mean': { type: 'number', describe: "mean of each page view's deepest scroll, percent" },
  daysSinceFirstSeen: { type: 'number', describe: 'whole days since the first event' },
  daysSinceLastSeen: { type: 'number', describe: 'whole days since the latest event' },
  firstSeen: { type: 'date', describe: 'when the first event happened' },
  lastSeen: { type: 'date', describe: 'when the latest event happened' },
  'utm.source': { type: 'string', describe: 'UTM source of the latest session' },
  'utm.medium': { type: 'string', describe: 'UTM medium of the latest session' },
  'utm.campaign': { type: 'string', describe: 'UTM campaign of the latest session' },
  'firstUtm.source': { type: 'string', describe: 'UTM source of the first session' },
  'firstUtm.medium': { type: 'string', describe: 'UTM medium of the first session' },
  'firstUtm.campaign': { type: 'string', describe: 'UTM campaign of the first session' },
  'referrer.host': { type: 'string', describe: 'external referrer of the latest session' },
  'device.type': { type: 'string', describe: 'device of the latest session: desktop, mobile, tablet, ...' },
  locale: { type: 'string', describe: 'locale of the latest event' },
  identified: { type: 'any', describe: 'true once the visitor identified as a user' },
  recent: { type: 'list', describe: 'recently viewed item ids' },
  cluster: { type: 'string', describe: 'behavioral cluster assigned by k-means' },
  'engagement.percentile': { type: 'number', describe: "the visitor's engagement among all profiles, 0-100" },
};

/** Facts with a name part: `events.Video Playback Started`, `topics.Sci-Fi`, ... */
export const FACT_FAMILIES: Record<string, FactSpec & { field?: string }> = {
  events: { type: 'number', field: PREFIX.event, describe: 'events by name' },
  pages: { type: 'number', field: PREFIX.page, describe: 'named page views' },
  category: { type: 'number', field: PREFIX.category, describe: 'events by category' },
  categoryAction: { type: 'number', field: PREFIX.categoryAction, describe: 'events by category/action' },
  topics: { type: 'number', field: AFFINITY_PREFIX, describe: 'share of decayed interest in a topic, 0-1' },
  bounces: { type: 'number', field: PREFIX.bounce, describe: 'page views of an entry with the topic left quickly without interacting' },
  traits: { type: 'any', describe: 'traits from identify calls' },
};

/** Families whose counters are kept in daily buckets too. */
export const WINDOWED_FAMILIES = new Set(['events', 'pages', 'category', 'bounces']);

export const ATTRIBUTION_FIELDS: Record<string, string> = {
  'utm.source': PREFIX.latestSession + ATTRIBUTION.utmSource,
  'utm.medium': PREFIX.latestSession + ATTRIBUTION.utmMedium,
  'utm.campaign': PREFIX.latestSession + ATTRIBUTION.utmCampaign,
  'firstUtm.source': PREFIX.firstSession + ATTRIBUTION.utmSource,
  'firstUtm.medium': PREFIX.firstSession + ATTRIBUTION.utmMedium,
  'firstUtm.campaign': PREFIX.firstSession + ATTRIBUTION.utmCampaign,
  'referrer.host': PREFIX.latestSession + ATTRIBUTION.referrerHost,
  'device.type': PREFIX.latestSession + ATTRIBUTION.deviceType,
};

export interface ResolvedFact extends FactSpec {
  name: string;
  /** Field prefix of a counter family in the profile hash. */
  field?: string;
  family?: string;
  /** The part after the family: an event name, a topic, a trait key. */
  key?: string;
}

/** Names that would reach an object's prototype (`traits.constructor` must not match every profile). */
const PROTOTYPE_NAMES = new Set(['__proto__', 'constructor', 'prototype']);

/** The spec of a fact name, or null when the catalog has no such fact. */
export const resolveFact = (name: string): ResolvedFact | null => {
  if (Object.hasOwn(SCALAR_FACTS, name)) return { ...SCALAR_FACTS[name], name };
  const dot = name.indexOf('.');
  if (dot <= 0 || dot === name.length - 1) return null;
  const family = name.slice(0, dot);
  if (!Object.hasOwn(FACT_FAMILIES, family)) return null;
  const spec = FACT_FAMILIES[family];
  const key = name.slice(dot + 1);
  if (PROTOTYPE_NAMES.has(key)) return null;
  return {
    ...spec,
    name,
    family,
    key,
    windowCounter: WINDOWED_FAMILIES.has(family) ? spec.field + key : undefined,
  };
};
