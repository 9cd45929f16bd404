import { createHash } from 'crypto';
import type { IssueLike } from '../shared/validation';
import { parseFieldPath, readFieldPath } from './field-path';
import type { ValueSource, WebhookMapping, WebhookSource, WhenCondition } from './webhook-config';

/**
 * A verified webhook payload (and its headers) as Segment-shaped events, ready for the same
 * validation as a server source's batch (`parseBatch`):
 * - a `segment` source's payload is a Segment event, a list of them (the Actions destination's
 *   batches) or a `{ batch }`, taken as it is;
 * - any other source's payload goes through its mappings: each mapping whose `when` holds makes one
 *   event, its fields read from body paths or headers. A payload no mapping applies to is
 *   `ignored` (a shop sends many topics; only some say something about a visitor).
 * Issues found later in the built events are restated in the payload's terms (`inPayloadTerms`):
 * the sender sees `created_at: expected an ISO-8601 date-time`, not `batch[0].timestamp`.
 */

export type WebhookHeaders = Record<string, string | string[] | undefined>;

export type MapOutcome =
  | { ignored: true }
  | { ignored: false; issues: IssueLike[] }
  | { ignored: false; body: Record<string, unknown>; inPayloadTerms: (issue: IssueLike) => IssueLike };

type MappedSource = Pick<WebhookSource, 'name' | 'signature' | 'events'>;

/** The event fields a mapping fills, and where each came from (for issues). */
interface Origin {
  label: string;
  fields: Record<string, string>;
}

const isPlainObject = (value: unknown): value is Record<string, unknown> =>
  typeof value === 'object' && value !== null && !Array.isArray(value);

const headerValue = (headers: WebhookHeaders, name: string): string | undefined => {
  const value = headers[name];
  return Array.isArray(value) ? value[0] : value;
};

const describeSource = (source: ValueSource): string => (typeof source === 'string' ? source : `header ${source.header}`);

const valueAt = (source: ValueSource, payload: unknown, headers: WebhookHeaders): unknown => {
  if (typeof source !== 'string') return headerValue(headers, source.header);
  const steps = parseFieldPath(source);
  return steps ? readFieldPath(payload, steps) : undefined;
};

const holds = (when: WhenCondition | undefined, payload: unknown, headers: WebhookHeaders): boolean => {
  if (!when) return true;
  const actual = 'header' in when ? headerValue(headers, when.header) : valueAt(when.field, payload, headers);
  const accepted = Array.isArray(when.equals) ? when.equals : [when.equals];
  return accepted.some((value) => value === actual);
};

const isAbsent = (value: unknown) => value === undefined || value === null || value === '';

/** Ids are strings; JSON senders often send numbers (order and customer ids). */
const idOf = (value: unknown): { id?: string; problem?: string } => {
  if (isAbsent(value)) return {};
  if (typeof value === 'string') return { id: value };
  if (typeof value === 'number' && Number.isSafeInteger(value)) return { id: String(value) };
  if (typeof value === 'number') return { problem: 'a number that JSON cannot carry exactly (beyond 2^53, or not an integer): map a string form of this id' };
  return { problem: 'expected a string or a number' };
};

/** ISO strings as they are (validated later); numbers as Unix time, seconds or (from 10^11) milliseconds. */
const timestampOf = (value: unknown): { timestamp?: string; problem?: string } => {
  if (isAbsent(value)) return {};
  if (typeof value === 'string') return { timestamp: value };
  if (typeof value === 'number' && Number.isFinite(value) && value >= 0) {
    const date = new Date(value < 1e11 ? value * 1000 : value);
    if (!Number.isNaN(date.getTime())) return { timestamp: date.toISOString() };
  }
  return { problem: 'expected an ISO-8601 date-time or a number of seconds since 1970' };
};

/**
 * A receiver retry of one delivery must count once: the id the mapping names (an order id, a
 * delivery id) is namespaced by source and event, so that two systems' order 42, or an order's
 * track and identify, are not taken for each other.
 */
export const mappedMessageId = (sourceName: string, eventKey: string, id: string): string =>
  `${sourceName}:${createHash('sha256').update(`${eventKey}\u0000${id}`).digest('base64url').slice(0, 22)}`;

const labelOf = (mapping: WebhookMapping) => (mapping.type === 'track' ? `"${mapping.event}"` : 'identify');

/** One mapping applied to the payload: the event and where its fields came from, or what is wrong. */
const buildEvent = (sourceName: string, mapping: WebhookMapping, payload: unknown, headers: WebhookHeaders) => {
  const label = labelOf(mapping);
  const issues: IssueLike[] = [];
  const fields: Record<string, string> = {};
  const event: Record<string, unknown> = { type: mapping.type, ...(mapping.event ? { event: mapping.event } : {}) };
  const problem = (source: ValueSource, field: string, message: string) =>
    issues.push({ path: [describeSource(source)], message: `${message} (as the ${field} of ${label})` });

  for (const key of ['userId', 'anonymousId'] as const) {
    const source = mapping[key];
    if (!source) continue;
    const { id, problem: wrong } = idOf(valueAt(source, payload, headers));
    if (wrong) problem(source, key, wrong);
    if (id !== undefined) (event[key] = id), (fields[key] = describeSource(source));
  }
  if (!event.userId && !event.anonymousId && issues.length === 0) {
    const sources = [mapping.userId, mapping.anonymousId].filter((source): source is ValueSource => source !== undefined).map(describeSource);
    const elsewhere = sources.length > 1 ? ` nor at ${sources[1]}` : '';
    issues.push({ path: [sources[0]], message: `nothing here${elsewhere}: ${label} needs a userId or an anonymousId to name its visitor` });
  }
  if (mapping.messageId) {
    const { id, problem: wrong } = idOf(valueAt(mapping.messageId, payload, headers));
    if (wrong) problem(mapping.messageId, 'messageId', wrong);
    if (id !== undefined) event.messageId = mappedMessageId(sourceName, mapping.event ?? mapping.type, id);
  }
  if (mapping.timestamp) {
    const { timestamp, problem: wrong } = timestampOf(valueAt(mapping.timestamp, payload, headers));
    if (wrong) problem(mapping.timestamp, 'timestamp', wrong);
    if (timestamp !== undefined) (event.timestamp = timestamp), (fields.timestamp = describeSource(mapping.timestamp));
  }
  for (const group of ['properties', 'traits'] as const) {
    const map = mapping[group];
    if (!map) continue;
    const values: Record<string, unknown> = {};
    for (const [name, source] of Object.entries(map)) {
      const value = valueAt(source, payload, headers);
      if (value === undefined || value === null) continue;
      values[name] = value;
      fields[`${group}.${name}`] = describeSource(source);
    }
    event[group] = values;
  }
  return { event, origin: { label, fields }, issues };
};

/** An issue on `batch[index]...` of the built body, restated on the payload path it came from. */
const restate = (origins: Origin[]) => (issue: IssueLike): IssueLike => {
  const [, index, field, ...rest] = issue.path;
  const origin = typeof index === 'number' ? origins[index] : undefined;
  if (!origin) return issue;
  const grouped = (field === 'properties' || field === 'traits') && typeof rest[0] === 'string';
  const key = grouped ? `${String(field)}.${String(rest[0])}` : String(field);
  const where = origin.fields[key];
  if (where === undefined) return { path: issue.path.slice(2), message: `${issue.message} (in ${origin.label})` };
  return { path: [where, ...(grouped ? rest.slice(1) : rest)], message: `${issue.message} (as the ${key} of ${origin.label})` };
};

/** A Segment payload as a batch, and its issues on the payload's own paths. */
const segmentBody = (payload: unknown): MapOutcome => {
  if (Array.isArray(payload)) return { ignored: false, body: { batch: payload }, inPayloadTerms: (issue) => ({ ...issue, path: issue.path.slice(1) }) };
  if (!isPlainObject(payload)) return { ignored: false, issues: [{ path: [], message: 'expected a Segment event, a list of them, or { "batch": [...] }' }] };
  if ('batch' in payload || 'events' in payload) return { ignored: false, body: payload, inPayloadTerms: (issue) => issue };
  return { ignored: false, body: { batch: [payload] }, inPayloadTerms: (issue) => ({ ...issue, path: issue.path.slice(2) }) };
};

export const mapPayload = (source: MappedSource, payload: unknown, headers: WebhookHeaders): MapOutcome => {
  if (source.signature === 'segment' || !source.events) return segmentBody(payload);
  const events: Record<string, unknown>[] = [];
  const origins: Origin[] = [];
  const issues: IssueLike[] = [];
  for (const mapping of source.events) {
    if (!holds(mapping.when, payload, headers)) continue;
    const built = buildEvent(source.name, mapping, payload, headers);
    issues.push(...built.issues);
    events.push(built.event);
    origins.push(built.origin);
  }
  if (issues.length > 0) return { ignored: false, issues };
  if (events.length === 0) return { ignored: true };
  return { ignored: false, body: { batch: events }, inPayloadTerms: restate(origins) };
};
