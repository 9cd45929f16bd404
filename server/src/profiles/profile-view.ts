import { stepsInTimeOrder } from '../journeys/journey-step';
import { affinityAt } from '../store/affinity';
import { AFFINITY_PREFIX, CORE_FIELDS } from '../store/profile-fields';
import type { StoredProfile } from '../store/profile-store';
import { ATTRIBUTION, FIELDS, PREFIX } from './profile-fields';

/**
 * The readable form of a stored profile: what `GET /api/personalization/profile` returns and what
 * segment rules read. Pure; `now` (epoch seconds) decides the decay and the day counts.
 */

export interface Attribution {
  utmSource: string | null;
  utmMedium: string | null;
  utmCampaign: string | null;
  referrerHost: string | null;
  deviceType: string | null;
}

/** A recorded journey step as a person reads it. */
export interface ReadableStep {
  at: string;
  kind: 'page' | 'event';
  name: string;
  category: string | null;
  contentType: string | null;
  topics: string[];
}

export interface ProfileView {
  firstSeen: string | null;
  lastSeen: string | null;
  daysSinceFirstSeen: number | null;
  daysSinceLastSeen: number | null;
  sessions: number;
  pageviews: number;
  dwellSeconds: number;
  scroll: { max: number; mean: number };
  events: Record<string, number>;
  pages: Record<string, number>;
  categories: Record<string, number>;
  categoryActions: Record<string, number>;
  /** Decayed affinity per topic, as a share of the visitor's total interest (0-1). */
  topics: Record<string, number>;
  /** Bounces per topic: views of an entry with the topic left quickly without interacting (`ingest/bounce.ts`). */
  bounces: Record<string, number>;
  recent: string[];
  /** The latest journey steps, newest first (at most `profile.journeySteps`). */
  steps: ReadableStep[];
  attribution: { first: Attribution; latest: Attribution };
  locale: string | null;
  traits: Record<string, unknown>;
  identified: boolean;
  /** The behavioral cluster k-means put the visitor in, once clustering has run. */
  cluster: string | null;
  segments: string[];
}

const DAY = 86_400;

const iso = (seconds: number | undefined) => (seconds === undefined ? null : new Date(seconds * 1000).toISOString());

const family = (fields: Record<string, string>, prefix: string): Record<string, number> =>
  Object.fromEntries(
    Object.entries(fields)
      .filter(([field]) => field.startsWith(prefix))
      .map(([field, value]) => [field.slice(prefix.length), Number(value)])
  );

const attribution = (fields: Record<string, string>, prefix: string): Attribution => {
  const read = (key: string) => fields[prefix + key] || null;
  return {
    utmSource: read(ATTRIBUTION.utmSource),
    utmMedium: read(ATTRIBUTION.utmMedium),
    utmCampaign: read(ATTRIBUTION.utmCampaign),
    referrerHost: read(ATTRIBUTION.referrerHost),
    deviceType: read(ATTRIBUTION.deviceType),
  };
};

/**
 * Each topic's score decayed to `now`, as a share of the sum, rounded to 4 decimals (rules compare
 * the same numbers the profile shows). Runs on every segment evaluation, hence the plain loops.
 */
export const topicShareMap = (fields: Record<string, string>, now: number, halfLifeSec: number): Map<string, number> => {
  const shares = new Map<string, number>();
  let total = 0;
  for (const field in fields) {
    if (!field.startsWith(AFFINITY_PREFIX)) continue;
    const score = affinityAt(fields[field], now, halfLifeSec);
    shares.set(field.slice(AFFINITY_PREFIX.length), score);
    total += score;
  }
  if (total <= 0) return new Map();
  for (const [topic, score] of shares) shares.set(topic, Math.round((score / total) * 10_000) / 10_000);
  return shares;
};

/** The same shares as an object, largest first, for the readable profile. */
export const topicShares = (fields: Record<string, string>, now: number, halfLifeSec: number): Record<string, number> =>
  Object.fromEntries([...topicShareMap(fields, now, halfLifeSec)].sort((a, b) => b[1] - a[1]));

/** Newest first, as `recent`; in time order even where the record was written out of order (late events, merged devices). */
export const readableSteps = (stored: readonly string[]): ReadableStep[] =>
  stepsInTimeOrder(stored)
    .reverse()
    .map((step) => ({
      at: new Date(step.ts * 1000).toISOString(),
      kind: step.kind,
      name: step.name,
      category: step.category ?? null,
      contentType: step.contentType ?? null,
      topics: step.topics ?? [],
    }));

const parseTrait = (raw: string): unknown => {
  try {
    return JSON.parse(raw);
  } catch {
    return raw;
  }
};

export const toProfileView = (profile: StoredProfile, now: number, halfLifeSec: number): ProfileView => {
  const { fields } = profile;
  const firstSeen = fields[CORE_FIELDS.firstSeen] ? Number(fields[CORE_FIELDS.firstSeen]) : undefined;
  const lastSeen = fields[CORE_FIELDS.lastSeen] ? Number(fields[CORE_FIELDS.lastSeen]) : undefined;
  const pageviews = Number(fields[FIELDS.pageviews] ?? 0);
  const scrollSum = Number(fields[FIELDS.scrollSum] ?? 0);
  return {
    firstSeen: iso(firstSeen),
    lastSeen: iso(lastSeen),
    daysSinceFirstSeen: firstSeen === undefined ? null : Math.floor(Math.max(0, now - firstSeen) / DAY),
    daysSinceLastSeen: lastSeen === undefined ? null : Math.floor(Math.max(0, now - lastSeen) / DAY),
    sessions: Number(fields[CORE_FIELDS.sessions] ?? 0),
    pageviews,
    dwellSeconds: Number(fields[FIELDS.dwellSeconds] ?? 0),
    scroll: {
      max: Number(fields[FIELDS.scrollMax] ?? 0),
      mean: pageviews > 0 ? Math.min(100, Math.round(scrollSum / pageviews)) : 0,
    },
    events: family(fields, PREFIX.event),
    pages: family(fields, PREFIX.page),
    categories: family(fields, PREFIX.category),
    categoryActions: family(fields, PREFIX.categoryAction),
    topics: topicShares(fields, now, halfLifeSec),
    bounces: family(fields, PREFIX.bounce),
    recent: profile.recent,
    steps: readableSteps(profile.steps),
    attribution: { first: attribution(fields, PREFIX.firstSession), latest: attribution(fields, PREFIX.latestSession) },
    locale: fields[FIELDS.locale] ?? null,
    traits: Object.fromEntries(Object.entries(profile.traits).map(([key, raw]) => [key, parseTrait(raw)])),
    identified: Boolean(fields[CORE_FIELDS.userHash]),
    cluster: fields[CORE_FIELDS.cluster] || null,
    segments: profile.segments,
  };
};
