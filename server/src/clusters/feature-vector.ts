import { topicShareMap } from '../profiles/profile-view';
import { ATTRIBUTION, FIELDS, PREFIX } from '../profiles/profile-fields';
import { CORE_FIELDS } from '../store/profile-fields';
import type { StoredProfile } from '../store/profile-store';

/**
 * A profile as numbers, for clustering: one module for training and for serving (the ingest path
 * assigns clusters with the same code), pure. Values come out raw (counts, days, shares); the
 * transform named by each feature (`log1p` for heavy-tailed counts) and the standardization are
 * applied by `scaling.ts`, so that the admin can show a feature's raw value and its scaling apart.
 */

export type FeatureTransform = 'log1p' | 'none';

export interface FeatureSpec {
  name: string;
  label: string;
  transform: FeatureTransform;
  /** What the raw value is, in one line (shown in the admin). */
  meaning: string;
}

/** Prefix of the features that hold a topic's share of interest: `topic:Sci-Fi`. */
export const TOPIC_FEATURE_PREFIX = 'topic:';

/** How many topics a model keeps as features: the most common in its sample. */
export const TOPIC_FEATURE_COUNT = 3;

/** The plugin config's default half-life of topic affinity (`affinity.halfLifeDays`: 14). */
export const DEFAULT_AFFINITY_HALF_LIFE_SEC = 14 * 86_400;

/** Segment's video spec names every playback event "Video …" (the tracker sends three of them). */
const VIDEO_EVENT_PREFIX = `${PREFIX.event}Video `;
/** Segment's e-commerce spec. */
const CART_ADD_FIELD = `${PREFIX.event}Product Added`;
const ORDER_FIELD = `${PREFIX.event}Order Completed`;
const LATEST_DEVICE_FIELD = PREFIX.latestSession + ATTRIBUTION.deviceType;

/** The features every model has, in vector order; the model's topic features follow them. */
export const FEATURES = [
  { name: 'pageviews', label: 'Page views', transform: 'log1p', meaning: 'page and screen views in all' },
  { name: 'sessions', label: 'Sessions', transform: 'log1p', meaning: 'visits (30 minutes of inactivity end one)' },
  { name: 'pagesPerSession', label: 'Pages per session', transform: 'log1p', meaning: 'page views divided by sessions' },
  { name: 'dwellSeconds', label: 'Dwell time', transform: 'log1p', meaning: 'seconds of visible time on pages in all' },
  { name: 'dwellPerPage', label: 'Dwell per page', transform: 'log1p', meaning: 'seconds of visible time per page view' },
  { name: 'scrollMean', label: 'Scroll depth', transform: 'none', meaning: "mean of each page view's deepest scroll, percent" },
  { name: 'events', label: 'Interactions', transform: 'log1p', meaning: 'track events of any name (clicks, plays, adds, ...)' },
  { name: 'videoEvents', label: 'Video', transform: 'log1p', meaning: 'video playback events (started, paused, completed)' },
  { name: 'cartAdds', label: 'Cart adds', transform: 'log1p', meaning: '"Product Added" events' },
  { name: 'orders', label: 'Orders', transform: 'log1p', meaning: '"Order Completed" events' },
  { name: 'daysSinceLastSeen', label: 'Recency', transform: 'log1p', meaning: 'days since the latest event' },
  { name: 'tenureDays', label: 'Tenure', transform: 'log1p', meaning: 'days between the first and the latest event' },
  { name: 'mobile', label: 'Mobile', transform: 'none', meaning: '1 when the latest session was on a phone or tablet, else 0' },
] as const satisfies readonly FeatureSpec[];

export type BaseFeatureName = (typeof FEATURES)[number]['name'];

/** Position of each base feature in a vector. */
export const FEATURE_INDEX = Object.fromEntries(FEATURES.map((feature, index) => [feature.name, index])) as Record<BaseFeatureName, number>;

export const topicFeature = (topic: string): FeatureSpec => ({
  name: TOPIC_FEATURE_PREFIX + topic,
  label: topic,
  transform: 'none',
  meaning: `share of the visitor's decayed topic interest that is in ${topic}, 0-1`,
});

/** Every feature of a model with these topics, in vector order. */
export const featureSpecs = (topics: readonly string[]): FeatureSpec[] => [...FEATURES, ...topics.map(topicFeature)];

const DAY = 86_400;
const F = FEATURE_INDEX;

/** A stored number, or 0 for anything else (missing, garbage, infinite): no NaN reaches k-means. */
const numberOf = (raw: string | undefined): number => {
  const value = Number(raw);
  return Number.isFinite(value) ? value : 0;
};

/**
 * Writes the base features of a profile into `out` (from index 0) without allocating: the ingest
 * path runs this for every changed profile.
 */
export const writeBaseFeatures = (profile: StoredProfile, now: number, out: Float64Array | number[]): void => {
  const { fields } = profile;
  let events = 0;
  let video = 0;
  for (const field in fields) {
    // 'e:' — one character test first: most fields are not event counters.
    if (field.charCodeAt(0) !== 101 || field.charCodeAt(1) !== 58) continue;
    const count = numberOf(fields[field]);
    events += count;
    if (field.startsWith(VIDEO_EVENT_PREFIX)) video += count;
  }
  const pageviews = numberOf(fields[FIELDS.pageviews]);
  const sessions = numberOf(fields[CORE_FIELDS.sessions]);
  const dwell = numberOf(fields[FIELDS.dwellSeconds]);
  const firstSeen = numberOf(fields[CORE_FIELDS.firstSeen]);
  const lastSeen = numberOf(fields[CORE_FIELDS.lastSeen]);
  const device = fields[LATEST_DEVICE_FIELD];
  out[F.pageviews] = pageviews;
  out[F.sessions] = sessions;
  out[F.pagesPerSession] = sessions > 0 ? pageviews / sessions : 0;
  out[F.dwellSeconds] = dwell;
  out[F.dwellPerPage] = pageviews > 0 ? dwell / pageviews : 0;
  out[F.scrollMean] = pageviews > 0 ? Math.min(100, numberOf(fields[FIELDS.scrollSum]) / pageviews) : 0;
  out[F.events] = events;
  out[F.videoEvents] = video;
  out[F.cartAdds] = numberOf(fields[CART_ADD_FIELD]);
  out[F.orders] = numberOf(fields[ORDER_FIELD]);
  out[F.daysSinceLastSeen] = lastSeen > 0 ? Math.max(0, now - lastSeen) / DAY : 0;
  out[F.tenureDays] = lastSeen > 0 && firstSeen > 0 ? Math.max(0, lastSeen - firstSeen) / DAY : 0;
  out[F.mobile] = device === 'mobile' || device === 'tablet' ? 1 : 0;
};

/** A topic share, 0 when absent or unreadable (a malformed affinity field makes every share NaN). */
export const finiteShare = (share: number | undefined): number => (share !== undefined && Number.isFinite(share) ? share : 0);

/** Topic shares as segment rules read them (`topics.<name>`), decayed to `now`. */
export const topicSharesOf = (profile: StoredProfile, now: number, affinityHalfLifeSec: number): Map<string, number> =>
  topicShareMap(profile.fields, now, affinityHalfLifeSec);

/**
 * The feature vector of a profile for a model with these `topics` (the model's top topics, chosen at
 * fit time): the base features, then each topic's share of interest.
 */
export const featureVector = (
  profile: StoredProfile,
  now: number,
  topics: readonly string[],
  affinityHalfLifeSec = DEFAULT_AFFINITY_HALF_LIFE_SEC
): number[] => {
  const vector = new Array<number>(FEATURES.length + topics.length).fill(0);
  writeBaseFeatures(profile, now, vector);
  if (topics.length > 0) {
    const shares = topicSharesOf(profile, now, affinityHalfLifeSec);
    topics.forEach((topic, index) => {
      vector[FEATURES.length + index] = finiteShare(shares.get(topic));
    });
  }
  return vector;
};
