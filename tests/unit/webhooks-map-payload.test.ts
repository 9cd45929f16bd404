/**
 * Webhook payloads to Segment-shaped events. The golden cases (golden/webhook-mappings.json) hold
 * realistic Shopify and Stripe-like payloads and the events the mappings made of them when written;
 * every event they give must pass the ingest path's own validation as a server source's batch.
 * A changed messageId there would count a delivery retried across a deploy twice: change a golden
 * value only with a reason in the commit.
 */
import { parsePluginConfig } from '../../server/src/config';
import { parseBatch } from '../../server/src/ingest/parse-batch';
import type { IssueLike } from '../../server/src/shared/validation';
import { parseFieldPath, readFieldPath } from '../../server/src/webhooks/field-path';
import { mapPayload, mappedMessageId, type MapOutcome, type WebhookHeaders } from '../../server/src/webhooks/map-payload';
import golden from './golden/webhook-mappings.json';

const sourcesOf = (sources: unknown[]) => parsePluginConfig({ webhooks: { sources } }).webhooks.sources;
/** 2024-06-01T13:53:20Z: every golden timestamp is within a server source's 90 days. */
const NOW = 1_717_250_000;

/** The batch's issues as the sender is told them (the 400's `details.errors`). */
const issuesOf = (outcome: MapOutcome): IssueLike[] => {
  if (outcome.ignored) throw new Error('ignored');
  if ('issues' in outcome) return outcome.issues;
  try {
    parseBatch(outcome.body, { sender: 'server', nowSec: NOW, restate: outcome.inPayloadTerms });
  } catch (error) {
    return (error as { details: { errors: IssueLike[] } }).details.errors.map(({ path, message }) => ({ path, message }));
  }
  return [];
};

describe('golden webhook payloads', () => {
  const sources = sourcesOf(golden.sources);

  it.each(golden.cases.map((entry) => [entry.name, entry] as const))('%s', (_name, entry) => {
    const source = sources.find((candidate) => candidate.name === entry.source)!;
    const outcome = mapPayload(source, structuredClone(entry.payload), entry.headers as WebhookHeaders);
    if ('ignored' in entry.expected) {
      expect(outcome).toEqual({ ignored: true });
      return;
    }
    expect(outcome).toMatchObject({ ignored: false, body: { batch: entry.expected.events } });
    const batch = parseBatch((outcome as { body: Record<string, unknown> }).body, { sender: 'server', nowSec: NOW, maxAgeDays: source.maxAgeDays });
    expect(batch.events).toHaveLength(entry.expected.events.length);
  });

  it('namespaces a mapped messageId by source and event, so two systems\' "42" differ, and a retry gives the same', () => {
    expect(mappedMessageId('shop', 'Order Completed', '42')).toBe(mappedMessageId('shop', 'Order Completed', '42'));
    expect(new Set([mappedMessageId('shop', 'Order Completed', '42'), mappedMessageId('billing', 'Order Completed', '42'), mappedMessageId('shop', 'identify', '42')]).size).toBe(3);
    expect(mappedMessageId('a'.repeat(64), 'x'.repeat(200), 'y'.repeat(1000)).length).toBeLessThanOrEqual(200);
  });
});

describe('field paths', () => {
  it.each([
    ['customer.id', [{ key: 'customer' }, { key: 'id' }]],
    ['line_items.0.sku', [{ key: 'line_items' }, { key: '0' }, { key: 'sku' }]],
    ['note_attributes[name=psn_visitor].value', [{ key: 'note_attributes' }, { where: 'name', equals: 'psn_visitor' }, { key: 'value' }]],
    ['data.object.lines.data.0.price.nickname', expect.any(Array)],
    ['$meta.@id', [{ key: '$meta' }, { key: '@id' }]],
  ])('parses %s', (text, steps) => {
    expect(parseFieldPath(text)).toEqual(steps);
  });

  it.each(['', '.id', 'id.', 'a..b', 'a b', '[name=x].value', 'a[name].b', 'a[=x]', 'a.__proto__.b', 'constructor', 'a[__proto__=1]', 'a.b]', Array(18).fill('a').join('.')])(
    'refuses %j',
    (text) => {
      expect(parseFieldPath(text)).toBeNull();
    }
  );

  it('reads own values only, arrays by index or by a field of their items', () => {
    const body = { a: { b: [{ n: 'x', v: 1 }, { n: 2, v: 'two' }] }, zero: 0, no: false, nothing: null };
    const read = (path: string) => readFieldPath(body, parseFieldPath(path)!);
    expect(read('a.b.1.v')).toBe('two');
    expect(read('a.b[n=x].v')).toBe(1);
    expect(read('a.b[n=2].v')).toBe('two');
    expect([read('zero'), read('no'), read('nothing')]).toEqual([0, false, null]);
    expect([read('a.b.5.v'), read('a.b[n=y].v'), read('a.c'), read('zero.x'), read('a.b.length'), read('a.toString'), read('a.b.x')]).toEqual(Array(7).fill(undefined));
  });
});

describe('mapping', () => {
  const [shop] = sourcesOf([
    {
      name: 'shop',
      secret: 'a-webhook-secret-0123456789',
      signature: 'shopify',
      events: [
        {
          when: { header: 'x-shopify-topic', equals: 'orders/create' },
          event: 'Order Completed',
          userId: 'customer.id',
          anonymousId: 'note_attributes[name=psn_visitor].value',
          messageId: 'id',
          timestamp: 'created_at',
          properties: { revenue: 'total_price', items: 'line_items' },
        },
        { when: { field: 'kind', equals: ['refund', 'void'] }, event: 'Order Refunded', userId: 'customer.id' },
        { type: 'identify', userId: 'customer.id', traits: { plan: 'customer.tags' } },
      ],
    },
  ]);
  const order = { id: 1001, created_at: '2024-06-01T10:00:00Z', total_price: '10.00', customer: { id: 77, tags: 'vip' } };
  const orderHeaders = { 'x-shopify-topic': 'orders/create' };

  it('applies every mapping whose condition holds: a header, a body field among values, or none', () => {
    const events = (payload: unknown, headers: WebhookHeaders = {}) => {
      const outcome = mapPayload(shop, payload, headers);
      return 'body' in outcome ? (outcome.body.batch as { type: string; event?: string }[]).map((event) => event.event ?? event.type) : outcome;
    };
    expect(events(order, orderHeaders)).toEqual(['Order Completed', 'identify']);
    expect(events({ ...order, kind: 'void' })).toEqual(['Order Refunded', 'identify']);
    expect(events({ ...order, kind: 'sale' })).toEqual(['identify']);
    expect(events(order, { 'x-shopify-topic': 'orders/create2' })).toEqual(['identify']);
  });

  it('is ignored when no mapping applies', () => {
    const [only] = sourcesOf([{ name: 'only', secret: 'a-webhook-secret-0123456789', signature: 'shopify', events: [{ when: { header: 'x-topic', equals: 'a' }, event: 'A', userId: 'u' }] }]);
    expect(mapPayload(only, { u: '1' }, { 'x-topic': 'b' })).toEqual({ ignored: true });
    expect(mapPayload(only, [1, 2], {})).toEqual({ ignored: true });
  });

  it('leaves out what the payload does not have, and names the paths when no visitor is found', () => {
    const outcome = mapPayload(shop, { id: 1002, customer: {} }, orderHeaders);
    expect(outcome).toEqual({
      ignored: false,
      issues: [
        { path: ['customer.id'], message: 'nothing here nor at note_attributes[name=psn_visitor].value: "Order Completed" needs a userId or an anonymousId to name its visitor' },
        { path: ['customer.id'], message: 'nothing here: identify needs a userId or an anonymousId to name its visitor' },
      ],
    });
    const partial = mapPayload(shop, { customer: { id: 'c-1' } }, orderHeaders);
    expect('body' in partial && partial.body.batch).toEqual([
      { type: 'track', event: 'Order Completed', userId: 'c-1', properties: {} },
      { type: 'identify', userId: 'c-1', traits: {} },
    ]);
  });

  it('takes numbers as ids, but not one JSON cannot carry exactly, nor an object', () => {
    expect(issuesOf(mapPayload(shop, { ...order, customer: { id: 2 ** 53 + 2 } }, orderHeaders))).toEqual([
      { path: ['customer.id'], message: expect.stringMatching(/^a number that JSON cannot carry exactly .* \(as the userId of "Order Completed"\)$/) },
      { path: ['customer.id'], message: expect.stringContaining('(as the userId of identify)') },
    ]);
    expect(issuesOf(mapPayload(shop, { ...order, id: { n: 1 } }, orderHeaders))).toEqual([{ path: ['id'], message: 'expected a string or a number (as the messageId of "Order Completed")' }]);
  });

  it('takes a Unix time in seconds or milliseconds as the timestamp', () => {
    const at = (created_at: unknown) => {
      const outcome = mapPayload(shop, { ...order, created_at }, orderHeaders);
      return 'body' in outcome ? (outcome.body.batch as { timestamp?: string }[])[0].timestamp : outcome;
    };
    expect(at(1_717_171_717)).toBe('2024-05-31T16:08:37.000Z');
    expect(at(1_717_171_717_123)).toBe('2024-05-31T16:08:37.123Z');
    expect(issuesOf(mapPayload(shop, { ...order, created_at: true }, orderHeaders))).toEqual([
      { path: ['created_at'], message: 'expected an ISO-8601 date-time or a number of seconds since 1970 (as the timestamp of "Order Completed")' },
    ]);
  });

  it("states the ingest validation's issues on the payload's paths", () => {
    expect(issuesOf(mapPayload(shop, { ...order, created_at: 'yesterday' }, orderHeaders))).toEqual([
      { path: ['created_at'], message: 'expected an ISO-8601 date-time (as the timestamp of "Order Completed")' },
    ]);
    expect(issuesOf(mapPayload(shop, { ...order, total_price: 'x'.repeat(2000) }, orderHeaders))).toEqual([
      { path: ['total_price'], message: 'string longer than 1024 characters (as the properties.revenue of "Order Completed")' },
    ]);
    expect(issuesOf(mapPayload(shop, { ...order, line_items: [{ sku: 'a' }, { sku: 'b'.repeat(2000) }] }, orderHeaders))).toEqual([
      { path: ['line_items', 1, 'sku'], message: 'string longer than 1024 characters (as the properties.items of "Order Completed")' },
    ]);
    expect(issuesOf(mapPayload(shop, { ...order, created_at: '2000-01-01T00:00:00Z' }, orderHeaders))).toEqual([
      { path: ['created_at'], message: 'older than 30 days (as the timestamp of "Order Completed")' },
    ]);
    const longId = issuesOf(mapPayload(shop, { ...order, customer: { id: 'u'.repeat(201) } }, orderHeaders));
    expect(longId[0]).toEqual({ path: ['customer.id'], message: 'longer than 200 characters (as the userId of "Order Completed")' });
  });
});

describe('segment sources: Segment events taken as they are', () => {
  const [segment] = sourcesOf([{ name: 'segment', secret: 'a-webhook-secret-0123456789', signature: 'segment' }]);
  // As Segment's Webhooks destination posts a track call (envelope fields included).
  const track = {
    type: 'track',
    event: 'Signed Up',
    userId: 'u-1',
    anonymousId: 'a6f1c2d3-0b4e-4f5a-9c8d-7e6f5a4b3c2d',
    messageId: 'ajs-next-1717171717-abc',
    properties: { plan: 'pro' },
    context: { ip: '203.0.113.9', library: { name: 'analytics.js', version: '2.11.1' }, page: { path: '/signup' } },
    integrations: {},
    originalTimestamp: '2024-06-01T10:00:00.000Z',
    receivedAt: '2024-06-01T10:00:01.000Z',
    sentAt: '2024-06-01T10:00:00.500Z',
    timestamp: '2024-06-01T10:00:00.000Z',
    channel: 'client',
    version: 2,
  };

  it('takes one event, a list (the Actions destination batches) or a { batch }', () => {
    for (const payload of [structuredClone(track), [structuredClone(track)], { batch: [structuredClone(track)] }]) {
      const outcome = mapPayload(segment, payload, {});
      expect('body' in outcome && parseBatch(outcome.body, { sender: 'server', nowSec: NOW }).events).toEqual([
        expect.objectContaining({ type: 'track', event: 'Signed Up', userId: 'u-1', messageId: 'ajs-next-1717171717-abc', properties: { plan: 'pro' } }),
      ]);
    }
  });

  it("states issues on the payload's own paths", () => {
    expect(issuesOf(mapPayload(segment, { ...structuredClone(track), type: 'nope' }, {}))[0].path).toEqual(['type']);
    expect(issuesOf(mapPayload(segment, [structuredClone(track), { type: 'track' }], {}))[0]).toEqual({ path: [1, 'event'], message: 'a track event needs an "event" name' });
    expect(issuesOf(mapPayload(segment, 'text', {}))).toEqual([{ path: [], message: 'expected a Segment event, a list of them, or { "batch": [...] }' }]);
  });
});
