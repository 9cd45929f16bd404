import { ATTRIBUTION, clipName, FIELDS, PREFIX } from '../profiles/profile-fields';
import type { EventUpdate } from '../store/profile-store';
import type { IncomingEvent } from './event-schema';
import { messageHash } from './message-hash';
import { topicsOfProperties } from './topics';

/**
 * Turns validated events into the store's instruction set. Pure: everything it needs from the
 * outside (device types, entry topics) arrives in `EventContext`.
 */

/** Track events the profile reads specially; everything else is counted by name. */
export const SPECIAL_EVENTS = {
  /** `properties.depth` (0-100) reached on the current page; `properties.previous`: the depth sent before. */
  scrollDepth: 'Scroll Depth',
  /** `properties.seconds` (or `value`): visible time on the page since the last report. */
  dwellTime: 'Dwell Time',
} as const;

const MAX_DWELL_SECONDS_PER_EVENT = 3600;
const MAX_TOPICS_PER_EVENT = 10;

export interface EventContext {
  /** Server time, epoch seconds: the timestamp of events that carry none. */
  nowSec: number;
  /** Device type ('mobile', 'tablet', 'desktop', ...) of a User-Agent string. */
  deviceTypeOf(userAgent: string | undefined): string;
  /** The request's own User-Agent, used when an event has no `context.userAgent`. */
  requestUserAgent?: string;
  /** Topics of an entry an event points at (`properties.documentId`), looked up by the caller. */
  entryTopics(event: IncomingEvent): string[];
  /** Trait keys never stored. */
  dropTraits: ReadonlySet<string>;
  /** Inactivity after which an event may open a session (attribution is only sent on such events). */
  sessionGapSec: number;
}

/** Epoch seconds of an event: its timestamp, else the server's time. */
export const eventTime = (event: IncomingEvent, nowSec: number): number =>
  event.timestamp ? Math.floor(Date.parse(event.timestamp) / 1000) : nowSec;

const number = (value: unknown): number | undefined =>
  typeof value === 'number' && Number.isFinite(value) ? value : undefined;

const hostOf = (url: string | undefined): string | undefined => {
  if (!url) return undefined;
  try {
    return new URL(url).hostname || undefined;
  } catch {
    return undefined;
  }
};

/** The item an event is about: an entry (`documentId`) or a product (Segment e-commerce ids). */
export const itemIdOf = (properties: Record<string, unknown> | undefined): string | undefined => {
  const candidate = properties?.documentId ?? properties?.product_id ?? properties?.productId ?? properties?.itemId;
  return typeof candidate === 'string' && candidate.length > 0 ? clipName(candidate) : typeof candidate === 'number' ? String(candidate) : undefined;
};

/**
 * Attribution of the session this event would open: UTM parameters, the external referrer's host
 * and the device type. Every field is present ('' when unknown) so a new session replaces all of
 * the previous session's values.
 */
const attributionOf = (event: IncomingEvent, context: EventContext): Record<string, string> => {
  const campaign = event.context?.campaign;
  const page = event.context?.page;
  const referrerHost = hostOf(page?.referrer);
  const pageHost = hostOf(page?.url);
  return {
    [ATTRIBUTION.utmSource]: clipName(campaign?.source ?? ''),
    [ATTRIBUTION.utmMedium]: clipName(campaign?.medium ?? ''),
    [ATTRIBUTION.utmCampaign]: clipName(campaign?.name ?? ''),
    [ATTRIBUTION.referrerHost]: referrerHost && referrerHost !== pageHost ? clipName(referrerHost) : '',
    [ATTRIBUTION.deviceType]: context.deviceTypeOf(event.context?.userAgent ?? context.requestUserAgent),
  };
};

const prefixed = (prefix: string, values: Record<string, string>) =>
  Object.fromEntries(Object.entries(values).map(([key, value]) => [prefix + key, value]));

const countersOf = (event: IncomingEvent): Record<string, number> => {
  if (event.type === 'page') {
    const pageName = event.name ?? (typeof event.properties?.name === 'string' ? event.properties.name : undefined);
    return { [FIELDS.pageviews]: 1, ...(pageName ? { [PREFIX.page + clipName(pageName)]: 1 } : {}) };
  }
  if (event.type !== 'track' || !event.event) return {};
  // Scroll depth and dwell time have fields of their own; counting their reports says nothing.
  if (event.event === SPECIAL_EVENTS.scrollDepth || event.event === SPECIAL_EVENTS.dwellTime) return {};
  const counters: Record<string, number> = { [PREFIX.event + clipName(event.event)]: 1 };
  if (event.category) {
    counters[PREFIX.category + clipName(event.category)] = 1;
    if (event.action) counters[PREFIX.categoryAction + clipName(`${event.category}/${event.action}`)] = 1;
  }
  return counters;
};

/** Scroll depth and dwell time feed their own fields. */
const engagementOf = (event: IncomingEvent): Pick<EventUpdate, 'incr' | 'max'> => {
  if (event.type !== 'track') return {};
  if (event.event === SPECIAL_EVENTS.scrollDepth) {
    const depth = number(event.properties?.depth);
    if (depth === undefined || depth < 0 || depth > 100) return {};
    const previous = Math.min(number(event.properties?.previous) ?? 0, depth);
    return {
      max: { [FIELDS.scrollMax]: Math.round(depth) },
      incr: { [FIELDS.scrollSum]: Math.round(depth) - Math.round(Math.max(previous, 0)) },
    };
  }
  if (event.event === SPECIAL_EVENTS.dwellTime) {
    const seconds = number(event.properties?.seconds) ?? number(event.value);
    if (seconds === undefined || seconds <= 0) return {};
    return { incr: { [FIELDS.dwellSeconds]: Math.round(Math.min(seconds, MAX_DWELL_SECONDS_PER_EVENT)) } };
  }
  return {};
};

const traitsOf = (event: IncomingEvent, dropTraits: ReadonlySet<string>): Record<string, string> | undefined => {
  if (event.type !== 'identify' || !event.traits) return undefined;
  const kept = Object.entries(event.traits).filter(([key]) => !dropTraits.has(key));
  return kept.length > 0 ? Object.fromEntries(kept.map(([key, value]) => [clipName(key), JSON.stringify(value)])) : undefined;
};

const isViewEvent = (event: IncomingEvent) => event.type === 'page' || (event.type === 'track' && /Viewed$/.test(event.event ?? ''));

/** One event's update. `mayOpenSession`: no earlier event of the batch lies within the session gap. */
export const eventToUpdate = (event: IncomingEvent, context: EventContext, mayOpenSession: boolean): EventUpdate => {
  const update: EventUpdate = { ts: eventTime(event, context.nowSec) };
  if (event.messageId) update.dedup = messageHash(event.messageId);

  const counters = countersOf(event);
  let hasCounters = false;
  let windowed: Record<string, number> | undefined;
  for (const field in counters) {
    hasCounters = true;
    // Windowed counts cover what rules ask about over time: page views, events, categories.
    if (!field.startsWith(PREFIX.categoryAction)) (windowed ??= {})[field] = counters[field];
  }
  const engagement = engagementOf(event);
  if (engagement.incr) Object.assign(counters, engagement.incr);
  if (hasCounters || engagement.incr) update.incr = counters;
  if (windowed) update.windowed = windowed;
  if (engagement.max) update.max = engagement.max;

  const stated = topicsOfProperties(event.properties);
  const looked = context.entryTopics(event);
  const topics = looked.length === 0 ? stated : [...new Set([...stated, ...looked])];
  if (topics.length > 0) {
    const weight = number(event.properties?.weight);
    const points = weight !== undefined && weight > 0 && weight <= 100 ? weight : 1;
    update.affinity = {};
    for (const topic of topics.slice(0, MAX_TOPICS_PER_EVENT)) update.affinity[topic] = points;
  }

  const itemId = isViewEvent(event) ? itemIdOf(event.properties) : undefined;
  if (itemId) update.recentItem = itemId;

  if (event.context?.locale) update.set = { [FIELDS.locale]: clipName(event.context.locale) };
  const traits = traitsOf(event, context.dropTraits);
  if (traits) update.traits = traits;

  if (mayOpenSession) {
    const attribution = attributionOf(event, context);
    update.setOnce = prefixed(PREFIX.firstSession, attribution);
    update.setOnSessionStart = prefixed(PREFIX.latestSession, attribution);
  }
  return update;
};

/** The batch's updates, in time order; attribution only on events that can open a session. */
export const batchToUpdates = (events: IncomingEvent[], context: EventContext): EventUpdate[] => {
  const ordered = events
    .map((event) => ({ event, ts: eventTime(event, context.nowSec) }))
    .sort((a, b) => a.ts - b.ts);
  return ordered.map(({ event, ts }, index) =>
    eventToUpdate(event, context, index === 0 || ts - ordered[index - 1].ts > context.sessionGapSec)
  );
};
