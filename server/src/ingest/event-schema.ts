import { z } from 'zod';
import { checkJsonLimits, JSON_LIMITS } from './json-limits';

/**
 * The body of `POST /api/personalization/events`, in Segment's naming so that Segment or RudderStack
 * payloads can be pointed here. The envelope fields we do not use (`sentAt`, `integrations`,
 * `context.library`, ...) are removed before this schema runs (`segment-extras.ts`); anything else
 * it does not name is refused.
 */

export const MAX_EVENTS_PER_BATCH = 100;
const MAX_FUTURE_SEC = 24 * 3600;
const MAX_AGE_SEC = 30 * 24 * 3600;

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

export const EVENT_TYPES = ['page', 'track', 'identify'] as const;

const event = z
  .strictObject({
    type: z.enum(EVENT_TYPES, {
      error: (issue) => `unknown type ${JSON.stringify(issue.input)} (expected "page", "track" or "identify")`,
    }),
    event: name.optional(),
    /** Segment's page name (`analytics.page('Pricing')`). */
    name: name.optional(),
    category: name.optional(),
    action: name.optional(),
    label: text.optional(),
    value: z.number().finite().optional(),
    properties: jsonObject.optional(),
    traits: jsonObject.optional(),
    context: context.optional(),
    timestamp: isoTimestamp.optional(),
    messageId: id.optional(),
    anonymousId: id.optional(),
    userId: id.optional(),
  })
  .superRefine((value, ctx) => {
    if (value.type === 'track' && !value.event) {
      ctx.addIssue({ code: 'custom', path: ['event'], message: 'a track event needs an "event" name' });
    }
  });

export const eventBatchSchema = z
  .strictObject({
    anonymousId: id.optional(),
    userId: id.optional(),
    events: z.array(event).min(1, 'expected at least one event').max(MAX_EVENTS_PER_BATCH, `more than ${MAX_EVENTS_PER_BATCH} events`).optional(),
    /** Segment's HTTP batch API calls the list `batch`. */
    batch: z.array(event).min(1, 'expected at least one event').max(MAX_EVENTS_PER_BATCH, `more than ${MAX_EVENTS_PER_BATCH} events`).optional(),
  })
  .superRefine((value, ctx) => {
    if (!value.events === !value.batch) {
      ctx.addIssue({ code: 'custom', path: ['events'], message: 'give the events as "events" (or Segment\'s "batch"), exactly one of them' });
    }
  });

export type EventBatchInput = z.output<typeof eventBatchSchema>;
export type IncomingEvent = z.output<typeof event>;

/** Timestamps must be recent: at most 24 hours ahead of the server clock and 30 days behind. */
export const timestampIssues = (events: IncomingEvent[], nowSec: number): { path: (string | number)[]; message: string }[] =>
  events.flatMap((incoming, index) => {
    if (!incoming.timestamp) return [];
    const ts = Date.parse(incoming.timestamp) / 1000;
    if (ts > nowSec + MAX_FUTURE_SEC) {
      return [{ path: ['events', index, 'timestamp'], message: 'more than 24 hours in the future' }];
    }
    if (ts < nowSec - MAX_AGE_SEC) {
      return [{ path: ['events', index, 'timestamp'], message: 'older than 30 days' }];
    }
    return [];
  });
