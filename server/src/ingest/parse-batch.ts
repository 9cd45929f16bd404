import type { IssueLike } from '../shared/validation';
import { validationError, zodIssues } from '../shared/validation';
import { BROWSER_MAX_AGE_DAYS, MAX_EVENTS, parseEventBatch, timestampIssues, type EventType, type IncomingEvent } from './event-schema';
import { stripSegmentExtras } from './segment-extras';

export type SenderKind = 'browser' | 'server';

/** A validated request: its events (batch-level ids copied onto each), and the browser's credentials. */
export interface ParsedBatch {
  events: IncomingEvent[];
  visitorToken?: string;
  visitorKey?: string;
  anonymousId?: string;
  userId?: string;
  userHash?: string;
}

const isPlainObject = (value: unknown): value is Record<string, unknown> =>
  typeof value === 'object' && value !== null && !Array.isArray(value);

/** Segment's single-call paths (`/v1/track`, ...) take one event whose type is the path's. */
const asBatch = (body: Record<string, unknown>, singleType: EventType | undefined): Record<string, unknown> | IssueLike => {
  if (!singleType) return body;
  if (body.type !== undefined && body.type !== singleType) return { path: ['type'], message: `this path takes "${singleType}" calls` };
  return { batch: [{ ...body, type: singleType }] };
};

/** One browser request speaks for one visitor and at most one user; a server's event names its own. */
const identityIssues = (events: IncomingEvent[], sender: SenderKind, listKey: string, batchIds: { anonymousId?: string; userId?: string }): IssueLike[] => {
  const issues: IssueLike[] = [];
  const visitor = batchIds.anonymousId ?? events.find((other) => other.anonymousId)?.anonymousId;
  const user = batchIds.userId ?? events.find((other) => other.userId)?.userId;
  events.forEach((event, index) => {
    if (sender === 'server') {
      if (!event.anonymousId && !event.userId) issues.push({ path: [listKey, index], message: 'an event from a server needs an anonymousId or a userId' });
      if (event.type === 'alias' && !event.userId) issues.push({ path: [listKey, index, 'userId'], message: 'an alias call needs a "userId"' });
      return;
    }
    if (event.anonymousId && event.anonymousId !== visitor) issues.push({ path: [listKey, index, 'anonymousId'], message: 'differs from the other anonymousIds: send one visitor per request' });
    if (event.userId && event.userId !== user) issues.push({ path: [listKey, index, 'userId'], message: 'differs from the other user ids: send one user per request' });
    if (event.userHash && !event.userId) issues.push({ path: [listKey, index, 'userHash'], message: 'a userHash goes with the userId it proves' });
  });
  return issues;
};

/**
 * Validates a request body whole before anything is written: size of the list first (cheap),
 * Segment's envelope extras, the schema, timestamps (a server source may backfill further), who
 * the events speak for. Throws one 400 naming the paths, listing at most a few issues.
 */
export const parseBatch = (
  raw: Record<string, unknown>,
  options: {
    sender: SenderKind;
    nowSec: number;
    maxAgeDays?: number;
    singleType?: EventType;
    /** Restates an issue for the sender, when the body was built from what it sent (a webhook's payload). */
    restate?: (issue: IssueLike) => IssueLike;
  }
): ParsedBatch => {
  const refuse = (issues: IssueLike[]) => validationError(options.restate ? issues.map(options.restate) : issues);
  const body = asBatch(raw, options.singleType);
  if (!isPlainObject(body) || 'message' in body) throw refuse([body as IssueLike]);
  const listKey = Array.isArray(body.batch) && !Array.isArray(body.events) ? 'batch' : 'events';
  const list = body[listKey];
  const max = MAX_EVENTS[options.sender];
  if (Array.isArray(list) && list.length > max) throw refuse([{ path: [listKey], message: `more than ${max} events` }]);

  const extraIssues = stripSegmentExtras(body);
  if (extraIssues.length > 0) throw refuse(extraIssues);
  const parsed = parseEventBatch(body);
  if (!parsed.success) throw refuse(zodIssues(parsed.error));
  const batch = parsed.data;
  // Batch-level ids apply to every event that names none. zod's output objects are this request's
  // own, so they are filled in place (a copy of each event was a third of this function's time).
  const events = (batch.events ?? batch.batch)!;
  for (const event of events) {
    const ownUserId = event.userId;
    if (event.anonymousId === undefined && batch.anonymousId !== undefined) event.anonymousId = batch.anonymousId;
    if (ownUserId === undefined && batch.userId !== undefined) event.userId = batch.userId;
    if (event.userHash === undefined && batch.userHash !== undefined && (ownUserId === undefined || ownUserId === batch.userId)) event.userHash = batch.userHash;
  }
  const issues = [
    ...timestampIssues(events, options.nowSec, options.maxAgeDays ?? BROWSER_MAX_AGE_DAYS, listKey),
    ...identityIssues(events, options.sender, listKey, batch),
  ];
  if (issues.length > 0) throw refuse(issues);
  const withUser = events.find((event) => event.userId);
  return {
    events,
    visitorToken: batch.visitorToken,
    visitorKey: batch.visitorKey,
    anonymousId: events.find((event) => event.anonymousId)?.anonymousId,
    userId: withUser?.userId,
    userHash: withUser?.userHash ?? batch.userHash,
  };
};
