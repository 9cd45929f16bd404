import { LRUCache } from 'lru-cache';
import { keepName, scrubValue } from '../profiles/personal-data';
import { ATTRIBUTION, clipName, FIELDS, PREFIX } from '../profiles/profile-fields';
import { encodeStep, MAX_STEP_TOPICS, type JourneyStep } from '../journeys/journey-step';
import type { EventUpdate } from '../store/profile-store';
import { statedTime, type IncomingEvent } from './event-schema';
import { FORBIDDEN_KEYS } from './json-limits';
import { messageHash } from './message-hash';
import { isBounce, type BounceRule } from './bounce';
import { SPECIAL_EVENTS } from './special-events';
import { topicsOfProperties } from './topics';

/**
 * Turns validated events into the store's instruction set. Pure: everything it needs from the
 * outside (device types, entry topics) arrives in `EventContext`. Nothing that carries an e-mail or
 * IP address becomes a name, a topic, an attribution value or a trait (`profiles/personal-data.ts`).
 */

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
  /**
   * Content type uid of the entry an event points at (`properties.contentType`, a uid or a singular
   * name), only for a personalization-enabled type; undefined otherwise. Recorded in the journey step.
   */
  entryContentType(event: IncomingEvent): string | undefined;
  /** Whether a trait key names personal data (never stored). */
  isPersonalKey(key: string): boolean;
  /** Inactivity after which an event may open a session (attribution is only sent on such events). */
  sessionGapSec: number;
  /** Which steps of the enabled funnels a journey step is (`EventUpdate.funnels`); absent when none are enabled. */
  funnelHits?(step: JourneyStep): number[];
  /** When a leave report is a bounce (`profile.bounceSeconds`, `profile.bounceWeight`); absent: never. */
  bounce?: BounceRule;
}

/** Epoch seconds of an event: its timestamp, else the server's time. */
export const eventTime = (event: IncomingEvent, nowSec: number): number => {
  const stated = statedTime(event);
  return stated ? Math.floor(Date.parse(stated) / 1000) : nowSec;
};

/**
 * A name as the profile keeps it: trimmed, clipped, never one that carries personal data, and never
 * a prototype name: names become keys of the readable profile (`events`, `pages`, `traits`), and
 * `" constructor"` trimmed is one, though the body's scan only refuses such keys as sent.
 */
const judgeName = (value: string): string | undefined => {
  const kept = keepName(value);
  const name = kept === undefined ? undefined : clipName(kept) || undefined;
  return name === undefined || FORBIDDEN_KEYS.has(name) ? undefined : name;
};

/**
 * Names kept, by what was sent: a site sends the same few hundred event, page and category names
 * in every batch, and judging one (the personal-data scan) costs more than looking it up. Only
 * names that passed are remembered, so that no e-mail or address is held even in memory.
 */
const keptNames = new LRUCache<string, string>({ max: 5_000 });
const MAX_REMEMBERED_LENGTH = 200;

const nameOf = (value: string | undefined): string | undefined => {
  if (value === undefined) return undefined;
  const remembered = keptNames.get(value);
  if (remembered !== undefined) return remembered;
  const name = judgeName(value);
  if (name !== undefined && value.length <= MAX_REMEMBERED_LENGTH) keptNames.set(value, name);
  return name;
};

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
  return typeof candidate === 'string' ? nameOf(candidate) : typeof candidate === 'number' ? String(candidate) : undefined;
};

const stringProperty = (event: IncomingEvent, key: string): string | undefined => {
  const value = event.properties?.[key];
  return typeof value === 'string' ? value : undefined;
};

/** Segment puts a page's or an event's category in `properties.category` as often as at the top. */
const categoryOf = (event: IncomingEvent) => nameOf(event.category ?? stringProperty(event, 'category'));
const actionOf = (event: IncomingEvent) => nameOf(event.action ?? stringProperty(event, 'action'));

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
    [ATTRIBUTION.utmSource]: nameOf(campaign?.source) ?? '',
    [ATTRIBUTION.utmMedium]: nameOf(campaign?.medium) ?? '',
    [ATTRIBUTION.utmCampaign]: nameOf(campaign?.name) ?? '',
    [ATTRIBUTION.referrerHost]: referrerHost && referrerHost !== pageHost ? (nameOf(referrerHost) ?? '') : '',
    [ATTRIBUTION.deviceType]: context.deviceTypeOf(event.context?.userAgent ?? context.requestUserAgent),
  };
};

const prefixed = (prefix: string, values: Record<string, string>) => {
  const fields: Record<string, string> = {};
  for (const key in values) fields[prefix + key] = values[key];
  return fields;
};

/** A page view, or an app's screen view (Segment's `screen`), which counts as one. */
const isPageView = (event: IncomingEvent) => event.type === 'page' || event.type === 'screen';

const countersOf = (event: IncomingEvent): Record<string, number> => {
  if (isPageView(event)) {
    const counters: Record<string, number> = { [FIELDS.pageviews]: 1 };
    const pageName = nameOf(event.name ?? stringProperty(event, 'name'));
    if (pageName) counters[PREFIX.page + pageName] = 1;
    return counters;
  }
  if (event.type !== 'track' || !event.event) return {};
  // Scroll depth and dwell time have fields of their own; counting their reports says nothing.
  if (event.event === SPECIAL_EVENTS.scrollDepth || event.event === SPECIAL_EVENTS.dwellTime) return {};
  const counters: Record<string, number> = {};
  const eventName = nameOf(event.event);
  if (eventName) counters[PREFIX.event + eventName] = 1;
  const category = categoryOf(event);
  if (category) {
    counters[PREFIX.category + category] = 1;
    const action = actionOf(event);
    if (action) counters[PREFIX.categoryAction + clipName(`${category}/${action}`)] = 1;
  }
  return counters;
};

/** Most events are neither report: one shared answer, never modified. */
const NO_ENGAGEMENT: Pick<EventUpdate, 'incr' | 'max'> = Object.freeze({});

/** Scroll depth and dwell time feed their own fields. */
const engagementOf = (event: IncomingEvent): Pick<EventUpdate, 'incr' | 'max'> => {
  if (event.type !== 'track') return NO_ENGAGEMENT;
  if (event.event === SPECIAL_EVENTS.scrollDepth) {
    const depth = number(event.properties?.depth);
    if (depth === undefined || depth < 0 || depth > 100) return NO_ENGAGEMENT;
    const previous = Math.min(number(event.properties?.previous) ?? 0, depth);
    return {
      max: { [FIELDS.scrollMax]: Math.round(depth) },
      incr: { [FIELDS.scrollSum]: Math.round(depth) - Math.round(Math.max(previous, 0)) },
    };
  }
  if (event.event === SPECIAL_EVENTS.dwellTime) {
    const seconds = number(event.properties?.seconds) ?? number(event.value);
    if (seconds === undefined || seconds <= 0) return NO_ENGAGEMENT;
    return { incr: { [FIELDS.dwellSeconds]: Math.round(Math.min(seconds, MAX_DWELL_SECONDS_PER_EVENT)) } };
  }
  return NO_ENGAGEMENT;
};

/**
 * Traits of an `identify` call without personal data (at any depth); a `group` call's group id
 * is kept as the trait `groupId`.
 */
const traitsOf = (event: IncomingEvent, isPersonalKey: (key: string) => boolean): Record<string, string> | undefined => {
  if (event.type === 'group') {
    const groupId = nameOf(event.groupId);
    return groupId ? { groupId: JSON.stringify(groupId) } : undefined;
  }
  if (event.type !== 'identify' || !event.traits) return undefined;
  const kept: Record<string, string> = {};
  for (const [key, value] of Object.entries(event.traits)) {
    const name = nameOf(key);
    if (name === undefined || isPersonalKey(key)) continue;
    const scrubbed = scrubValue(value, isPersonalKey);
    if (scrubbed !== undefined) kept[name] = JSON.stringify(scrubbed);
  }
  return Object.keys(kept).length > 0 ? kept : undefined;
};

const isViewEvent = (event: IncomingEvent) => isPageView(event) || (event.type === 'track' && /Viewed$/.test(event.event ?? ''));

/**
 * The journey step an event is (`journeys/journey-step.ts`): page and screen views and track events,
 * the latter without the scroll and dwell reports, which say how a page was read rather than where
 * the visitor went. `topics` and `contentType` are those of the entry it points at, if any.
 */
export const journeyStepOf = (event: IncomingEvent, ts: number, topics: readonly string[], contentType: string | undefined): JourneyStep | undefined => {
  let step: JourneyStep;
  if (isPageView(event)) step = { ts, kind: 'page', name: nameOf(event.name ?? stringProperty(event, 'name')) ?? '' };
  else if (event.type === 'track' && event.event !== SPECIAL_EVENTS.scrollDepth && event.event !== SPECIAL_EVENTS.dwellTime) {
    const name = nameOf(event.event);
    if (!name) return undefined;
    step = { ts, kind: 'event', name };
  } else return undefined;
  const category = categoryOf(event);
  if (category) step.category = category;
  if (contentType) step.contentType = contentType;
  if (topics.length > 0) step.topics = topics.slice(0, MAX_STEP_TOPICS);
  return step;
};

/** One event's update. `mayOpenSession`: no earlier event of the batch lies within the session gap. */
export const eventToUpdate = (event: IncomingEvent, context: EventContext, mayOpenSession: boolean, ts = eventTime(event, context.nowSec)): EventUpdate => {
  const update: EventUpdate = { ts };
  if (event.messageId) update.dedup = messageHash(event.messageId);

  const stated = topicsOfProperties(event.properties);
  const looked = context.entryTopics(event);
  const all = looked.length === 0 ? stated : [...new Set([...stated, ...looked])];
  const topics = all.length <= MAX_TOPICS_PER_EVENT ? all : all.slice(0, MAX_TOPICS_PER_EVENT);
  const bounced = topics.length > 0 && isBounce(event, context.bounce);

  const counters = countersOf(event);
  if (bounced) for (const topic of topics) counters[PREFIX.bounce + topic] = 1;
  let hasCounters = false;
  let windowed: Record<string, number> | undefined;
  for (const field in counters) {
    hasCounters = true;
    // Windowed counts cover what rules ask about over time: page views, events, categories, bounces.
    if (!field.startsWith(PREFIX.categoryAction)) (windowed ??= {})[field] = counters[field];
  }
  const engagement = engagementOf(event);
  if (engagement.incr) Object.assign(counters, engagement.incr);
  if (hasCounters || engagement.incr) update.incr = counters;
  if (windowed) update.windowed = windowed;
  if (engagement.max) update.max = engagement.max;

  // A bounce takes from its topics' affinity what any other event about the entry adds to it.
  const weight = number(event.properties?.weight);
  const points = bounced ? -context.bounce!.weight : weight !== undefined && weight > 0 && weight <= 100 ? weight : 1;
  if (topics.length > 0 && points !== 0) {
    update.affinity = {};
    for (const topic of topics) update.affinity[topic] = points;
  }

  const step = journeyStepOf(event, update.ts, topics, context.entryContentType(event));
  if (step) update.step = encodeStep(step);
  const hits = step && context.funnelHits ? context.funnelHits(step) : undefined;
  if (hits && hits.length > 0) update.funnels = hits;

  const itemId = isViewEvent(event) ? itemIdOf(event.properties) : undefined;
  if (itemId) update.recentItem = itemId;

  const locale = nameOf(event.context?.locale);
  if (locale) update.set = { [FIELDS.locale]: locale };
  const traits = traitsOf(event, context.isPersonalKey);
  if (traits) update.traits = traits;

  if (mayOpenSession) {
    const attribution = attributionOf(event, context);
    update.setOnce = prefixed(PREFIX.firstSession, attribution);
    update.setOnSessionStart = prefixed(PREFIX.latestSession, attribution);
  }
  return update;
};

/**
 * The batch's updates, in time order, each beside the event it came from; attribution only on
 * events that can open a session. An `alias` call changes who the visitor is (the ingest service
 * links the ids) and is not activity.
 */
export const batchToUpdates = (events: IncomingEvent[], context: EventContext): { updates: EventUpdate[]; events: IncomingEvent[] } => {
  const active = events.some((event) => event.type === 'alias') ? events.filter((event) => event.type !== 'alias') : events;
  let times = active.map((event) => eventTime(event, context.nowSec));
  let ordered = active;
  // A browser sends its events in the order they happened: sorted only when they are not.
  if (times.some((ts, index) => index > 0 && ts < times[index - 1])) {
    const order = times.map((_, index) => index).sort((a, b) => times[a] - times[b]);
    ordered = order.map((index) => active[index]);
    times = order.map((index) => times[index]);
  }
  return {
    updates: ordered.map((event, index) => eventToUpdate(event, context, index === 0 || times[index] - times[index - 1] > context.sessionGapSec, times[index])),
    events: ordered,
  };
};

/**
 * The names an event adds to the rule builder's suggestions, held to the same rules as the
 * profile's, each handed to `add` (every event of every batch has some: no list is built).
 */
export const forEachSeenName = (event: IncomingEvent, isPersonalKey: (key: string) => boolean, add: (family: string, name: string) => void): void => {
  const offer = (family: string, name: string | undefined) => {
    if (name) add(family, name);
  };
  if (event.type === 'track') offer('events', nameOf(event.event));
  if (isPageView(event)) offer('pages', nameOf(event.name ?? stringProperty(event, 'name')));
  offer('categories', categoryOf(event));
  for (const topic of topicsOfProperties(event.properties)) offer('topics', topic);
  if (event.type === 'identify') {
    for (const key of Object.keys(event.traits ?? {})) if (!isPersonalKey(key)) offer('traits', nameOf(key));
  }
};
