/**
 * Inbound webhooks: a shop (Shopify's signature), a billing service (Stripe's timestamped scheme,
 * its secret being rotated) and Segment's Webhooks destination POST their own payloads, signed with
 * a shared secret, to
 * `/api/personalization/webhooks/<source>`. Bodies are sent as exact bytes (the signature is the
 * HMAC of the bytes), against the booted app and a private redis-server.
 */
import { createHmac, randomUUID } from 'crypto';
import http from 'http';
import type { AddressInfo } from 'net';
import request from 'supertest';
import { adminToken } from '../helpers/admin';
import { rawPost, type RawResponse } from '../helpers/raw-post';
import { startRedis, type PrivateRedis } from '../helpers/redis-server';
import { startTestApp, type TestApp } from '../helpers/strapi-app';

const SHOP_SECRET = 'shpss_test_0123456789abcdef0123456789';
const SEGMENT_SECRET = 'segment-webhooks-shared-secret-0123';
const BILLING_SECRET = 'whsec_test_billing_0123456789abcdef';
/** The billing source is being rotated: its senders may still sign with the previous secret. */
const BILLING_PREVIOUS_SECRET = 'whsec_test_billing_previous_0123456789';
const THROTTLED_SECRET = 'throttled-webhook-secret-0123456789';

const ORDER_MAPPING = {
  when: { header: 'x-shopify-topic', equals: 'orders/create' },
  event: 'Order Completed',
  userId: 'customer.id',
  anonymousId: 'note_attributes[name=psn_visitor].value',
  messageId: 'id',
  timestamp: 'created_at',
  properties: { revenue: 'total_price', currency: 'currency' },
};
const CART_MAPPING = {
  when: { header: 'x-shopify-topic', equals: ['carts/create', 'carts/update'] },
  event: 'Product Added',
  anonymousId: 'token',
  messageId: { header: 'x-shopify-event-id' },
  timestamp: 'updated_at',
  properties: { product_id: 'line_items.0.product_id', sku: 'line_items.0.sku' },
};

describe('inbound webhooks', () => {
  let redis: PrivateRedis;
  let app: TestApp;
  let admin: string;

  beforeAll(async () => {
    redis = await startRedis();
    app = await startTestApp({
      redisUrl: redis.url,
      pluginConfig: {
        // Low enough for one Segment batch to exceed it (the other tests name a visitor a few times).
        ingest: { perVisitorPerMinute: 20 },
        webhooks: {
          sources: [
            { name: 'shop', secret: SHOP_SECRET, signature: 'shopify', events: [ORDER_MAPPING, CART_MAPPING] },
            { name: 'segment', secret: SEGMENT_SECRET, signature: 'segment' },
            {
              name: 'billing',
              secrets: [BILLING_SECRET, BILLING_PREVIOUS_SECRET],
              signature: 'timestamped',
              toleranceSec: 300,
              events: [{ when: { field: 'type', equals: 'invoice.paid' }, event: 'Subscription Renewed', userId: 'data.object.customer', messageId: 'id', timestamp: 'created', properties: { amount: 'data.object.amount_paid' } }],
            },
            { name: 'throttled', secret: THROTTLED_SECRET, signature: 'segment', perMinute: 2 },
          ],
        },
      },
    });
    await app.listen();
    admin = await adminToken(app, { email: 'webhooks-admin@example.com' });
  });

  afterAll(async () => {
    await app?.stop();
    await redis?.stop();
  });

  const service = (name: string) => app.strapi.plugin('personalization').service(name);
  const hashOf = (userId: string): string => service('identity').hashUserId(userId);
  const visitorOfAnonymousId = (id: string): string => service('identity').visitorOfAnonymousId(id);
  const userVisitor = async (userId: string): Promise<string> => (await service('store').profiles().userVisitor(hashOf(userId))) as string;
  const profile = (id: string) => redis.client.hgetall(`psn:{v:${id}}:p`);

  const post = (source: string, body: string | Buffer, headers: Record<string, string>): Promise<RawResponse> =>
    rawPost(app.server, `/api/personalization/webhooks/${source}`, { 'Content-Type': 'application/json', ...headers }, body);
  const shopifySignature = (body: string, secret = SHOP_SECRET) => createHmac('sha256', secret).update(body).digest('base64');
  const segmentSignature = (body: string, secret = SEGMENT_SECRET) => createHmac('sha1', secret).update(body).digest('hex');
  const timestampedSignature = (body: string, t = Math.floor(Date.now() / 1000), secret = BILLING_SECRET) =>
    `t=${t},v1=${createHmac('sha256', secret).update(`${t}.${body}`).digest('hex')}`;
  const fromShop = (topic: string, payload: unknown, extra: Record<string, string> = {}) => {
    const body = JSON.stringify(payload);
    return post('shop', body, { 'X-Shopify-Topic': topic, 'X-Shopify-Hmac-Sha256': shopifySignature(body), 'X-Shopify-Event-Id': randomUUID(), ...extra });
  };

  let orderNumber = 5_538_234_900_000;
  const order = (extra: Record<string, unknown> = {}) => ({
    id: ++orderNumber,
    created_at: new Date().toISOString(),
    currency: 'EUR',
    total_price: '199.00',
    note_attributes: [{ name: 'psn_visitor', value: `c0ffee00-${randomUUID().slice(9)}` }],
    customer: { id: 7_020_213_500_000 + orderNumber % 1000, email: 'jane@example.com' },
    line_items: [{ product_id: 8_123_456_789_012, sku: 'TEE-RED-M', quantity: 1 }],
    ...extra,
  });
  const visitorOfOrder = (payload: ReturnType<typeof order>) => visitorOfAnonymousId(payload.note_attributes[0].value);

  /** Writes the earlier tests left pending (co-engagement, site counters) land before a snapshot. */
  const settle = async () => {
    await service('recommendations').flush();
    await service('stats').flush();
  };
  const keysBesidesStats = async () => (await redis.client.keys('*')).filter((key) => !key.startsWith('psn:stats:')).sort();
  const webhookStats = async () => (await request(app.server).get('/personalization/analytics').set('Authorization', `Bearer ${admin}`).expect(200)).body.data.webhooks;
  const sourceStats = async (name: string) => (await webhookStats()).sources.find((entry: { source: string }) => entry.source === name);

  describe('each scheme, correctly signed', () => {
    it('shopify: an orders/create becomes Order Completed on the visitor the storefront put in the cart attributes, linked to the customer', async () => {
      const payload = order();
      const response = await fromShop('orders/create', payload);
      expect(response.status).toBe(202);
      expect(response.body).toEqual({ data: { source: 'shop', accepted: 1, duplicates: 0, ignored: false } });
      const visitor = visitorOfOrder(payload);
      expect(await profile(visitor)).toMatchObject({ 'e:Order Completed': '1', uid: hashOf(String(payload.customer.id)) });
      expect(await userVisitor(String(payload.customer.id))).toBe(visitor);
    });

    it('shopify: a carts/update becomes Product Added on the cart\'s visitor', async () => {
      const token = `Z2NwLWV1cm9wZS13ZXN0NDow${randomUUID().replace(/-/g, '')}`;
      const response = await fromShop('carts/update', { id: token, token, updated_at: new Date().toISOString(), line_items: [{ product_id: 8_123_456_789_012, sku: 'TEE-RED-M', quantity: 2 }] });
      expect(response.status).toBe(202);
      expect(response.body.data).toEqual({ source: 'shop', accepted: 1, duplicates: 0, ignored: false });
      expect(await profile(visitorOfAnonymousId(token))).toMatchObject({ 'e:Product Added': '1' });
    });

    it('shopify: a topic no mapping takes is accepted and ignored, nothing written', async () => {
      await settle();
      const before = await keysBesidesStats();
      const response = await fromShop('products/update', { id: 8_123_456_789_012, title: 'Red tee' });
      expect(response.status).toBe(202);
      expect(response.body.data).toEqual({ source: 'shop', accepted: 0, duplicates: 0, ignored: true });
      expect(await keysBesidesStats()).toEqual(before);
    });

    it("segment: a track call as Segment's Webhooks destination posts it, with X-Signature", async () => {
      const anonymousId = `seg-wh-${randomUUID()}`;
      const body = JSON.stringify({
        type: 'track',
        event: 'Signed Up',
        anonymousId,
        userId: 'seg-webhook-user-1',
        messageId: `ajs-next-${randomUUID()}`,
        properties: { plan: 'pro' },
        context: { ip: '203.0.113.9', library: { name: 'analytics.js', version: '2.11.1' }, page: { path: '/signup' } },
        integrations: {},
        originalTimestamp: new Date().toISOString(),
        receivedAt: new Date().toISOString(),
        sentAt: new Date().toISOString(),
        timestamp: new Date().toISOString(),
        channel: 'client',
        version: 2,
      });
      const response = await post('segment', body, { 'X-Signature': segmentSignature(body) });
      expect(response.status).toBe(202);
      expect(response.body.data).toEqual({ source: 'segment', accepted: 1, duplicates: 0, ignored: false });
      const visitor = visitorOfAnonymousId(anonymousId);
      expect(await profile(visitor)).toMatchObject({ 'e:Signed Up': '1', uid: hashOf('seg-webhook-user-1') });
    });

    it('timestamped: an invoice.paid signed with t= and v1= lands on the user\'s visitor (user id only)', async () => {
      const body = JSON.stringify({ id: `evt_${randomUUID()}`, type: 'invoice.paid', created: Math.floor(Date.now() / 1000), data: { object: { customer: 'cus_webhooks_1', amount_paid: 4900 } } });
      const response = await post('billing', body, { 'X-Psn-Signature': timestampedSignature(body) });
      expect(response.status).toBe(202);
      expect(response.body.data).toEqual({ source: 'billing', accepted: 1, duplicates: 0, ignored: false });
      expect(await profile(await userVisitor('cus_webhooks_1'))).toMatchObject({ 'e:Subscription Renewed': '1' });
    });

    it('timestamped: while the secret is rotated (secrets: [new, old]), a sender still on the old one is taken, a third secret refused', async () => {
      const invoice = (customer: string) => JSON.stringify({ id: `evt_${randomUUID()}`, type: 'invoice.paid', created: Math.floor(Date.now() / 1000), data: { object: { customer, amount_paid: 1900 } } });
      const body = invoice('cus_rotation_old');
      const response = await post('billing', body, { 'X-Psn-Signature': timestampedSignature(body, undefined, BILLING_PREVIOUS_SECRET) });
      expect([response.status, response.body.data]).toEqual([202, { source: 'billing', accepted: 1, duplicates: 0, ignored: false }]);
      expect(await profile(await userVisitor('cus_rotation_old'))).toMatchObject({ 'e:Subscription Renewed': '1' });

      const forged = invoice('cus_rotation_forged');
      const refused = await post('billing', forged, { 'X-Psn-Signature': timestampedSignature(forged, undefined, 'whsec_not_a_secret_of_billing_0123') });
      expect(refused.status).toBe(401);
      expect(refused.body.error?.message).toBe("signature mismatch: x-psn-signature is not the HMAC of this body under any of the source's secrets; nothing was stored");
      expect(await userVisitor('cus_rotation_forged')).toBeNull();
    });
  });

  describe('refused with 401, nothing written, counted', () => {
    /** Built per test, so that the replay's `t` is old relative to when it is sent. */
    const refusal = (index: number) => {
      const payload = JSON.stringify(order());
      // Times are signed against `now`, read before the request: on a loaded machine a second may
      // pass before the check, so the refusals' seconds may be one off.
      const now = Math.floor(Date.now() / 1000);
      // A body that would be stored if its signature were timely.
      const billing = JSON.stringify({ id: 'evt_replayed', type: 'invoice.paid', created: now - 301, data: { object: { customer: 'cus_replayed' } } });
      const topic = { 'X-Shopify-Topic': 'orders/create' };
      return [
        { source: null, send: () => post('shopp', payload, { 'X-Shopify-Hmac-Sha256': shopifySignature(payload) }), message: 'unknown webhook source; nothing was stored' },
        { source: 'shop', reason: 'missing-signature', send: () => post('shop', payload, topic), message: 'missing signature header x-shopify-hmac-sha256; nothing was stored' },
        { source: 'shop', reason: 'signature-mismatch', send: () => post('shop', payload, { ...topic, 'X-Shopify-Hmac-Sha256': shopifySignature(payload, `${SHOP_SECRET}x`) }), message: 'signature mismatch' },
        { source: 'shop', reason: 'signature-mismatch', send: () => post('shop', payload.replace('199.00', '0.01'), { ...topic, 'X-Shopify-Hmac-Sha256': shopifySignature(payload) }), message: 'signature mismatch' },
        { source: 'segment', reason: 'malformed-signature', send: () => post('segment', payload, { 'X-Signature': 'sha1=abc' }), message: 'malformed signature header x-signature' },
        { source: 'billing', reason: 'timestamp-outside-window', send: () => post('billing', billing, { 'X-Psn-Signature': timestampedSignature(billing, now - 301) }), message: /timestamp outside the window: the signed time is 30[12] s old \(tolerance 300 s\)/ },
        { source: 'billing', reason: 'timestamp-outside-window', send: () => post('billing', billing, { 'X-Psn-Signature': timestampedSignature(billing, now + 3600) }), message: /timestamp outside the window: the signed time is 3(600|599) s in the future/ },
      ][index];
    };

    it.each([
      ['an unknown source', 0],
      ['an unsigned body', 1],
      ['a forged signature (another secret)', 2],
      ['a signature of another body', 3],
      ['a malformed signature', 4],
      ['a replay: the same signed body, its t outside the window', 5],
      ['a signed time in the future', 6],
    ])('%s', async (_name, index) => {
      const { source, reason, send, message } = refusal(index);
      const counted = async (): Promise<number> => (source ? (await sourceStats(source)).refused[reason!] : (await webhookStats()).unknownSource);
      const countBefore = await counted();
      await settle();
      const before = await keysBesidesStats();
      const response = await send();
      expect(response.status).toBe(401);
      expect(response.body.error).toMatchObject({ status: 401, name: 'UnauthorizedError', message: typeof message === 'string' ? expect.stringContaining(message) : expect.stringMatching(message) });
      expect(response.body.error?.message).toMatch(/nothing was stored$/);
      await settle();
      expect(await keysBesidesStats()).toEqual(before);
      expect(await counted()).toBe(countBefore + 1);
    });

    it('says "unknown source" and nothing more, whatever the name', async () => {
      for (const name of ['Shop', 'billing2', 'admin', 'a'.repeat(200)]) {
        const response = await post(name, '{}', { 'X-Signature': segmentSignature('{}') });
        expect([response.status, response.body.error?.message]).toEqual([401, 'unknown webhook source; nothing was stored']);
      }
    });

    it('checks the signature before parsing: forged garbage is a 401, signed garbage a 400 (counted as invalid)', async () => {
      const garbage = '{"type": "track", "event": ';
      expect((await post('segment', garbage, { 'X-Signature': segmentSignature(garbage, 'not-the-secret-0123456') })).status).toBe(401);
      await settle();
      const invalidBefore = (await sourceStats('segment')).invalid;
      const signed = await post('segment', garbage, { 'X-Signature': segmentSignature(garbage) });
      expect(signed.status).toBe(400);
      expect(signed.body.error).toMatchObject({ name: 'ValidationError', message: 'the body is not valid JSON' });
      await settle();
      expect((await sourceStats('segment')).invalid).toBe(invalidBefore + 1);
    });
  });

  it('counts a delivery the sender retries once (the mapped messageId)', async () => {
    const payload = order();
    const body = JSON.stringify(payload);
    const headers = { 'X-Shopify-Topic': 'orders/create', 'X-Shopify-Hmac-Sha256': shopifySignature(body) };
    expect((await post('shop', body, headers)).body.data).toEqual({ source: 'shop', accepted: 1, duplicates: 0, ignored: false });
    expect((await post('shop', body, headers)).body.data).toEqual({ source: 'shop', accepted: 0, duplicates: 1, ignored: false });
    expect(await profile(visitorOfOrder(payload))).toMatchObject({ 'e:Order Completed': '1' });

    // A Segment event keeps its own messageId.
    const event = JSON.stringify({ type: 'track', event: 'Retried', anonymousId: `seg-retry-${randomUUID()}`, messageId: 'seg-retry-1' });
    expect((await post('segment', event, { 'X-Signature': segmentSignature(event) })).body.data).toMatchObject({ accepted: 1, duplicates: 0 });
    expect((await post('segment', event, { 'X-Signature': segmentSignature(event) })).body.data).toMatchObject({ accepted: 0, duplicates: 1 });
    expect(await sourceStats('shop')).toMatchObject({ duplicates: 1 });
  });

  it('refuses an oversized body with 413 without reading it all, counted as too-large', async () => {
    await settle();
    const before = await keysBesidesStats();
    const tooLargeBefore = (await sourceStats('shop')).refused['too-large'];
    const { port } = app.server.address() as AddressInfo;
    // 10 MB declared, 1 KB sent: the answer comes back while the rest is never sent.
    const response = await new Promise<{ status: number; body: { error: { status: number; name: string; message: string } } }>((resolve, reject) => {
      const outgoing = http.request(
        { host: '127.0.0.1', port, method: 'POST', path: '/api/personalization/webhooks/shop', headers: { 'Content-Type': 'application/json', 'Content-Length': String(10 * 1024 * 1024), 'X-Shopify-Hmac-Sha256': shopifySignature('x') } },
        (incoming) => {
          const chunks: Buffer[] = [];
          incoming.on('data', (chunk: Buffer) => chunks.push(chunk));
          incoming.on('end', () => {
            outgoing.destroy();
            resolve({ status: incoming.statusCode ?? 0, body: JSON.parse(Buffer.concat(chunks).toString('utf8')) });
          });
        }
      );
      outgoing.on('error', reject);
      outgoing.write(`{"id":1,"pad":"${'z'.repeat(1024)}`);
    });
    expect(response.status).toBe(413);
    expect(response.body.error).toMatchObject({ status: 413, name: 'PayloadTooLargeError', message: 'the request body is larger than 524288 bytes once decoded' });
    await settle();
    expect(await keysBesidesStats()).toEqual(before);
    expect((await sourceStats('shop')).refused['too-large']).toBe(tooLargeBefore + 1);
  });

  describe('a signed body that maps to an invalid event: 400 naming the payload path', () => {
    it('a timestamp that is not one', async () => {
      const response = await fromShop('orders/create', order({ created_at: 'yesterday' }));
      expect(response.status).toBe(400);
      expect(response.body.error).toMatchObject({
        name: 'ValidationError',
        message: 'created_at: expected an ISO-8601 date-time (as the timestamp of "Order Completed")',
        details: { errors: [{ path: ['created_at'], message: 'expected an ISO-8601 date-time (as the timestamp of "Order Completed")' }] },
      });
    });

    it('no visitor: neither the userId nor the anonymousId path finds anything', async () => {
      await settle();
      const before = await keysBesidesStats();
      const invalidBefore = (await sourceStats('shop')).invalid;
      const response = await fromShop('orders/create', order({ customer: null, note_attributes: [] }));
      expect(response.status).toBe(400);
      expect(response.body.error?.message).toBe(
        'customer.id: nothing here nor at note_attributes[name=psn_visitor].value: "Order Completed" needs a userId or an anonymousId to name its visitor'
      );
      expect(await keysBesidesStats()).toEqual(before);
      expect((await sourceStats('shop')).invalid).toBe(invalidBefore + 1);
    });

    it('a Segment event with a wrong field, on its own path', async () => {
      const body = JSON.stringify({ type: 'track', anonymousId: 'seg-invalid-1' });
      const response = await post('segment', body, { 'X-Signature': segmentSignature(body) });
      expect(response.status).toBe(400);
      expect(response.body.error?.message).toBe('event: a track event needs an "event" name');
    });
  });

  it('takes the path as the router does (any case, one trailing slash); the source name as typed', async () => {
    for (const path of ['/api/personalization/webhooks/segment/', '/api/personalization/Webhooks/segment']) {
      const body = JSON.stringify({ type: 'track', event: 'Path Variant', anonymousId: `path-${randomUUID()}` });
      const response = await rawPost(app.server, path, { 'Content-Type': 'application/json', 'X-Signature': segmentSignature(body) }, body);
      expect([path, response.status, response.body.data]).toEqual([path, 202, { source: 'segment', accepted: 1, duplicates: 0, ignored: false }]);
    }
    const body = '{}';
    const cased = await post('Segment', body, { 'X-Signature': segmentSignature(body) });
    expect([cased.status, cased.body.error?.message]).toEqual([401, 'unknown webhook source; nothing was stored']);
    const deeper = await request(app.server).post('/api/personalization/webhooks/segment/extra').set('X-Signature', segmentSignature(body)).send(body);
    expect([404, 405]).toContain(deeper.status);
  });

  it('is rate-limited per source, before the body is read, counted as rate-limited', async () => {
    const body = JSON.stringify({ type: 'track', event: 'Throttled', anonymousId: `throttled-${randomUUID()}` });
    const headers = { 'X-Signature': segmentSignature(body, THROTTLED_SECRET) };
    for (let i = 0; i < 2; i++) expect((await post('throttled', body, headers)).status).toBe(202);
    const limited = await post('throttled', body, headers);
    expect(limited.status).toBe(429);
    expect(limited.body.error).toMatchObject({ name: 'RateLimitError', message: expect.stringContaining('webhook source "throttled"') });
    expect(Number(limited.headers['retry-after'])).toBeGreaterThan(0);
    // Even unsigned: the limit is counted before the signature is looked at.
    expect((await post('throttled', body, {})).status).toBe(429);
    await settle();
    expect((await sourceStats('throttled')).refused).toMatchObject({ 'rate-limited': 2, 'missing-signature': 0 });
    // Other sources are not affected.
    const other = JSON.stringify({ type: 'track', event: 'Not Throttled', anonymousId: `throttled-${randomUUID()}` });
    expect((await post('segment', other, { 'X-Signature': segmentSignature(other) })).status).toBe(202);
  });

  it("counts a payload refused with 429 for a visitor over its event quota as rate-limited (the batch's other visitors stored)", async () => {
    await settle();
    const limitedBefore = (await sourceStats('segment')).refused['rate-limited'];
    const busy = `seg-busy-${randomUUID()}`;
    const calm = `seg-calm-${randomUUID()}`;
    const track = (anonymousId: string, index: number) => ({ type: 'track', event: 'Busy', anonymousId, messageId: `${anonymousId}-${index}` });
    const body = JSON.stringify({ batch: [...Array.from({ length: 21 }, (_, index) => track(busy, index)), track(calm, 0)] });
    const response = await post('segment', body, { 'X-Signature': segmentSignature(body) });
    expect(response.status).toBe(429);
    expect(response.body.error).toMatchObject({ name: 'RateLimitError', message: expect.stringContaining("1 of the payload's visitors") });
    expect(await profile(visitorOfAnonymousId(calm))).toMatchObject({ 'e:Busy': '1' });
    await settle();
    expect((await sourceStats('segment')).refused['rate-limited']).toBe(limitedBefore + 1);
  });

  it('shows the counts per source in the analytics answer, to admins who may read analytics', async () => {
    const stats = await webhookStats();
    expect(stats.sources.map((entry: { source: string }) => entry.source)).toEqual(['shop', 'segment', 'billing', 'throttled']);
    expect(await sourceStats('shop')).toMatchObject({
      signature: 'shopify',
      accepted: expect.any(Number),
      ignored: 1,
      refused: { 'missing-signature': 1, 'signature-mismatch': 2, 'malformed-signature': 0, 'timestamp-outside-window': 0, 'rate-limited': 0, 'too-large': 1 },
    });
    expect((await sourceStats('shop')).accepted).toBeGreaterThanOrEqual(3);
    expect((await sourceStats('billing')).refused).toMatchObject({ 'timestamp-outside-window': 2, 'signature-mismatch': 1 });
    expect((await sourceStats('throttled')).refused['rate-limited']).toBe(2);
    expect(stats.unknownSource).toBeGreaterThanOrEqual(5);
    const author = await adminToken(app, { email: 'webhooks-author@example.com', roleCode: 'strapi-author' });
    await request(app.server).get('/personalization/analytics').set('Authorization', `Bearer ${author}`).expect(403);
  });
});
