import { affinityAt } from '../store/affinity';
import { ATTRIBUTION, FIELDS, PREFIX } from '../profiles/profile-fields';
import { AFFINITY_PREFIX, CORE_FIELDS } from '../store/profile-fields';
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

/** Vector position of each topic feature, keyed by the profile field that holds it (`t:Sci-Fi`). */
export const topicSlots = (topics: readonly string[]): Map<string, number> =>
  new Map(topics.map((topic, index) => [AFFINITY_PREFIX + topic, FEATURES.length + index]));

/**
 * Writes a profile's features into `out`: the base features, then the share of each topic of
 * `slots` (a topic's decayed affinity over the sum of all its topics'). One pass over the profile's
 * fields and no allocation: the ingest path runs this for every changed profile.
 */
export const writeFeatures = (
  profile: StoredProfile,
  now: number,
  slots: ReadonlyMap<string, number>,
  affinityHalfLifeSec: number,
  out: Float64Array | number[]
): void => {
  const { fields } = profile;
  for (let d = FEATURES.length; d < out.length; d++) out[d] = 0;
  let events = 0;
  let video = 0;
  let interest = 0;
  let pageviews = 0;
  let sessions = 0;
  let dwell = 0;
  let scrollSum = 0;
  let cartAdds = 0;
  let orders = 0;
  let firstSeen = 0;
  let lastSeen = 0;
  let device: string | undefined;
  // One pass over the fields, every value read by the loop's own key: profiles have hidden classes of
  // their own, so reading `fields.pv` and the others by name would be a slow, megamorphic lookup each.
  for (const field in fields) {
    if (field.charCodeAt(1) === 58) {
      // Families: 'e:' event counters and 't:' topic affinities are read here; the others are not.
      const kind = field.charCodeAt(0);
      if (kind === 101) {
        const count = numberOf(fields[field]);
        events += count;
        if (field === CART_ADD_FIELD) cartAdds = count;
        else if (field === ORDER_FIELD) orders = count;
        else if (field.startsWith(VIDEO_EVENT_PREFIX)) video += count;
      } else if (kind === 116) {
        const score = affinityAt(fields[field], now, affinityHalfLifeSec);
        if (!(score > 0 && score < Infinity)) continue;
        interest += score;
        const slot = slots.get(field);
        if (slot !== undefined) out[slot] = score;
      }
      continue;
    }
    switch (field) {
      case FIELDS.pageviews:
        pageviews = numberOf(fields[field]);
        break;
      case CORE_FIELDS.sessions:
        sessions = numberOf(fields[field]);
        break;
      case FIELDS.dwellSeconds:
        dwell = numberOf(fields[field]);
        break;
      case FIELDS.scrollSum:
        scrollSum = numberOf(fields[field]);
        break;
      case CORE_FIELDS.firstSeen:
        firstSeen = numberOf(fields[field]);
        break;
      case CORE_FIELDS.lastSeen:
        lastSeen = numberOf(fields[field]);
        break;
      case LATEST_DEVICE_FIELD:
        device = fields[field];
        break;
      default:
    }
  }
  if (interest > 0) for (let d = FEATURES.length; d < out.length; d++) out[d] /= interest;
  out[F.pageviews] = pageviews;
  out[F.sessions] = sessions;
  out[F.pagesPerSession] = sessions > 0 ? pageviews / sessions : 0;
  out[F.dwellSeconds] = dwell;
  out[F.dwellPerPage] = pageviews > 0 ? dwell / pageviews : 0;
  out[F.scrollMean] = pageviews > 0 ? Math.min(100, scrollSum / pageviews) : 0;
  out[F.events] = events;
  out[F.videoEvents] = video;
  out[F.cartAdds] = cartAdds;
  out[F.orders] = orders;
  out[F.daysSinceLastSeen] = lastSeen > 0 ? Math.max(0, now - lastSeen) / DAY : 0;
  out[F.tenureDays] = lastSeen > 0 && firstSeen > 0 ? Math.max(0, lastSeen - firstSeen) / DAY : 0;
  out[F.mobile] = device === 'mobile' || device === 'tablet' ? 1 : 0;
};

/**
 * Every topic's share of the profile's interest, largest first (unrounded, the same arithmetic as
 * `writeFeatures`): what a clustering run samples to choose its top topics.
 */
export const topicShares = (profile: StoredProfile, now: number, affinityHalfLifeSec: number): [string, number][] => {
  const scores: [string, number][] = [];
  let interest = 0;
  for (const field in profile.fields) {
    if (!field.startsWith(AFFINITY_PREFIX)) continue;
    const score = affinityAt(profile.fields[field], now, affinityHalfLifeSec);
    if (!(score > 0 && score < Infinity)) continue;
    scores.push([field.slice(AFFINITY_PREFIX.length), score]);
    interest += score;
  }
  return scores.map(([topic, score]): [string, number] => [topic, score / interest]).sort((a, b) => b[1] - a[1]);
};

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
  writeFeatures(profile, now, topicSlots(topics), affinityHalfLifeSec, vector);
  return vector;
};
