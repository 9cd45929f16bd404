import { checkJsonLimits, type JsonLimitIssue } from './json-limits';

/**
 * Fields of Segment's (and RudderStack's) message envelope that we accept so that their payloads
 * can be pointed here, but never use. They are held to the JSON limits and then removed before
 * schema validation, which keeps the schema to the fields we read (a zod check per optional field
 * and event is the largest cost of the ingest path). `context.ip` is one of them: no raw IP is read.
 */
export const SEGMENT_EXTRAS = {
  batch: ['sentAt', 'integrations', 'writeKey', 'context', 'messageId', 'timestamp', '_metadata'],
  event: ['sentAt', 'receivedAt', 'integrations', 'channel', 'version', 'writeKey', '_metadata', 'rudderId', 'request_ip'],
  context: [
    'active', 'app', 'channel', 'consent', 'device', 'externalId', 'groupId', 'instance', 'ip', 'library', 'location',
    'network', 'os', 'referrer', 'screen', 'sessionId', 'sessionStart', 'timezone', 'traits', 'userAgentData',
  ],
} as const;

const isPlainObject = (value: unknown): value is Record<string, unknown> =>
  typeof value === 'object' && value !== null && !Array.isArray(value);

const EXTRA_KEYS = new Map<readonly string[], Set<string>>(Object.values(SEGMENT_EXTRAS).map((keys) => [keys, new Set<string>(keys)]));

/** Whether the object has any of the keys: most events carry none, and have few keys of their own. */
const hasAnyOf = (target: Record<string, unknown>, keys: readonly string[]) => {
  const set = EXTRA_KEYS.get(keys)!;
  for (const key in target) if (set.has(key)) return true;
  return false;
};

const strip = (target: Record<string, unknown>, keys: readonly string[], path: (string | number)[], issues: JsonLimitIssue[]) => {
  if (!hasAnyOf(target, keys)) return;
  for (const key of keys) {
    if (!(key in target)) continue;
    checkJsonLimits(target[key], [...path, key], 2, issues);
    delete target[key];
  }
};

/** Removes the extras from a parsed body in place; returns the limit violations found in them. */
export const stripSegmentExtras = (body: Record<string, unknown>): JsonLimitIssue[] => {
  const issues: JsonLimitIssue[] = [];
  strip(body, SEGMENT_EXTRAS.batch, [], issues);
  const listKey = Array.isArray(body.events) ? 'events' : 'batch';
  const events = body[listKey];
  if (!Array.isArray(events)) return issues;
  events.forEach((event: unknown, index) => {
    if (!isPlainObject(event)) return;
    strip(event, SEGMENT_EXTRAS.event, [listKey, index], issues);
    if (isPlainObject(event.context)) strip(event.context, SEGMENT_EXTRAS.context, [listKey, index, 'context'], issues);
  });
  return issues;
};
