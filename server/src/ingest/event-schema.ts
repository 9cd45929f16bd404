import { z } from 'zod';
import { checkJsonLimits, JSON_LIMITS } from './json-limits';
import { presentFieldsList, presentFieldsParser, UNSURE } from './present-fields';

/**
 * The body of `POST /api/personalization/events` (and of Segment's HTTP API paths under
 * `/api/personalization/v1/`), in Segment's naming so that Segment's and RudderStack's SDKs can be
 * pointed here unchanged. The envelope fields we do not use (`sentAt`, `integrations`, `_metadata`,
 * `context.library`, ...) are removed before this schema runs (`segment-extras.ts`); anything else
 * it does not name is refused.
 */

/** Events in one request: a browser's batch, a server source's (Segment's SDKs send up to 500 KB). */
export const MAX_EVENTS = { browser: 100, server: 500 } as const;
const MAX_FUTURE_SEC = 24 * 3600;
/** How old a browser's events may be (the tracker keeps undelivered events that long at most). */
export const BROWSER_MAX_AGE_DAYS = 30;

const text = z.string().max(JSON_LIMITS.maxStringLength, `longer than ${JSON_LIMITS.maxStringLength} characters`);
const name = z.string().min(1, 'must not be empty').max(200, 'longer than 200 characters');
const id = z.string().min(1, 'must not be empty').max(200, 'longer than 200 characters');

const isPlainObject = (value: unknown): value is Record<string, unknown> =>
  typeof value === 'object' && value !== null && !Array.isArray(value);

/**
 * Free-form JSON object (properties, traits, Segment extras), held to the JSON limits. The limits
 * walk checks every key and value itself, so zod only checks the shape (a per-key record schema
 * would double the work on the hot path).
 */
const jsonObject = z.custom<Record<string, unknown>>(isPlainObject, 'expected an object').superRefine((value, ctx) => {
  for (const issue of checkJsonLimits(value)) {
    ctx.addIssue({ code: 'custom', path: issue.path, message: issue.message });
  }
});
/** The same two tests, for the quick parse below (the value is its own output). */
const quickJsonObject = (value: unknown) => (isPlainObject(value) && checkJsonLimits(value).length === 0 ? value : UNSURE);

const pageContext = z.strictObject({
  url: text.optional(),
  path: text.optional(),
  title: text.optional(),
  referrer: text.optional(),
  search: text.optional(),
  hash: text.optional(),
});

const campaign = z.strictObject({
  name: text.optional(),
  source: text.optional(),
  medium: text.optional(),
  term: text.optional(),
  content: text.optional(),
  id: text.optional(),
});

const context = z.strictObject({
  page: pageContext.optional(),
  campaign: campaign.optional(),
  userAgent: text.optional(),
  locale: z.string().max(35, 'longer than 35 characters').optional(),
});

const isoTimestamp = z.iso.datetime({ offset: true, error: 'expected an ISO-8601 date-time' });

/** Segment's calls. `screen` is an app's page view; `alias` and `group` are identity calls. */
export const EVENT_TYPES = ['page', 'screen', 'track', 'identify', 'alias', 'group'] as const;
export type EventType = (typeof EVENT_TYPES)[number];

const hexHash = z.string().regex(/^[0-9a-fA-F]{64}$/, 'expected the hex HMAC-SHA256 of the user id (64 characters)');

const eventFields = z.strictObject({
  type: z.enum(EVENT_TYPES, {
    error: (issue) => `unknown type ${JSON.stringify(issue.input)} (expected one of ${EVENT_TYPES.join(', ')})`,
  }),
  event: name.optional(),
  /** Segment's page or screen name (`analytics.page('Pricing')`). */
  name: name.optional(),
  category: name.optional(),
  action: name.optional(),
  label: text.optional(),
  value: z.number().finite().optional(),
  properties: jsonObject.optional(),
  traits: jsonObject.optional(),
  context: context.optional(),
  timestamp: isoTimestamp.optional(),
  /** When the SDK recorded the call (RudderStack sends this rather than `timestamp`). */
  originalTimestamp: isoTimestamp.optional(),
  messageId: id.optional(),
  anonymousId: id.optional(),
  userId: id.optional(),
  /** A browser's proof of `userId`: hex HMAC-SHA256(identity secret, userId), made by the site's backend. */
  userHash: hexHash.optional(),
  /** `alias`: the id the user was known by before. */
  previousId: id.optional(),
  /** `group`: the account or company the user belongs to. */
  groupId: id.optional(),
});

interface Issue {
  path: (string | number)[];
  message: string;
}

/** What a call of its type needs beyond its fields' own checks (a call has one type: at most one issue). */
const eventIssue = (value: z.output<typeof eventFields>): Issue | undefined => {
  if (value.type === 'track' && !value.event) return { path: ['event'], message: 'a track event needs an "event" name' };
  if (value.type === 'alias' && !value.previousId) return { path: ['previousId'], message: 'an alias call needs a "previousId"' };
  if (value.type === 'group' && !value.groupId) return { path: ['groupId'], message: 'a group call needs a "groupId"' };
  return undefined;
};

const event = eventFields.superRefine((value, ctx) => {
  const issue = eventIssue(value);
  if (issue) ctx.addIssue({ code: 'custom', ...issue });
});

// No other length check here: the most a sender may send is checked before (`MAX_EVENTS`), and the
// quick parse below takes any non-empty list.
const events = z.array(event).min(1, 'expected at least one event');

const batchFields = z.strictObject({
  anonymousId: id.optional(),
  userId: id.optional(),
  userHash: hexHash.optional(),
  /** A browser's credential, for clients that cannot send the cookie or a header (sendBeacon). */
  visitorToken: z.string().max(200, 'longer than 200 characters').optional(),
  /** A browser's visitor key, before it has a credential (see identity/visitor-key.ts). */
  visitorKey: z.string().max(128, 'longer than 128 characters').optional(),
  events: events.optional(),
  /** Segment's HTTP batch API calls the list `batch`. */
  batch: events.optional(),
});

const batchIssues = (value: { events?: unknown; batch?: unknown }): Issue[] =>
  !value.events === !value.batch ? [{ path: ['events'], message: 'give the events as "events" (or Segment\'s "batch"), exactly one of them' }] : [];

export const eventBatchSchema = batchFields.superRefine((value, ctx) => {
  for (const issue of batchIssues(value)) ctx.addIssue({ code: 'custom', ...issue });
});

export type EventBatchInput = z.output<typeof eventBatchSchema>;
export type IncomingEvent = z.output<typeof event>;

/**
 * The same schema by the fields each event has (`present-fields.ts`): what a valid batch costs
 * to check is what it carries, not twenty optional fields per event. The schema above stays the
 * judge: anything this cannot vouch for is parsed by it, which gives the errors.
 */
const quickContext = presentFieldsParser(context, { fields: { page: presentFieldsParser(pageContext), campaign: presentFieldsParser(campaign) } });
const quickEvent = presentFieldsParser(eventFields, {
  fields: { context: quickContext, properties: quickJsonObject, traits: quickJsonObject },
  hasIssues: (value) => eventIssue(value as z.output<typeof eventFields>) !== undefined,
});
const eventList = presentFieldsList(quickEvent);
const quickBatch = presentFieldsParser(batchFields, { fields: { events: eventList, batch: eventList }, hasIssues: (value) => batchIssues(value).length > 0 });

export const parseEventBatch = (body: unknown): z.ZodSafeParseResult<EventBatchInput> => {
  const quick = quickBatch(body);
  return quick === UNSURE ? eventBatchSchema.safeParse(body) : { success: true, data: quick as EventBatchInput };
};

/** An event's time: `timestamp`, else `originalTimestamp`, else none (the server's clock then). */
export const statedTime = (incoming: IncomingEvent): string | undefined => incoming.timestamp ?? incoming.originalTimestamp;

/** Timestamps must be recent: at most 24 hours ahead of the server clock and `maxAgeDays` behind. */
export const timestampIssues = (list: IncomingEvent[], nowSec: number, maxAgeDays: number, listKey = 'events'): Issue[] =>
  list.flatMap((incoming, index) => {
    const stated = statedTime(incoming);
    if (!stated) return [];
    const ts = Date.parse(stated) / 1000;
    const path = [listKey, index, incoming.timestamp ? 'timestamp' : 'originalTimestamp'];
    if (ts > nowSec + MAX_FUTURE_SEC) return [{ path, message: 'more than 24 hours in the future' }];
    if (ts < nowSec - maxAgeDays * 86_400) return [{ path, message: `older than ${maxAgeDays} days` }];
    return [];
  });
