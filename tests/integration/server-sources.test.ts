/**
 * Server sources: events sent with a write key by a backend, or by Segment's and RudderStack's own
 * Node SDKs pointed at the plugin unchanged.
 */
import { Analytics } from '@segment/analytics-node';
import RudderAnalytics from '@rudderstack/rudder-sdk-node';
import request from 'supertest';
import { isoAgo, pageEvent, trackEvent } from '../helpers/events';
import { redisContents } from '../helpers/redis-contents';
import { startRedis, type PrivateRedis } from '../helpers/redis-server';
import { startTestApp, type TestApp } from '../helpers/strapi-app';

const SEGMENT_KEY = 'segment-write-key-0123456789abcdef';
const BACKEND_KEY = 'backend-write-key-0123456789abcdef';
const THROTTLED_KEY = 'throttled-write-key-0123456789abc';

describe('server sources', () => {
  let redis: PrivateRedis;
  let app: TestApp;
  let baseUrl: string;

  beforeAll(async () => {
    redis = await startRedis();
    app = await startTestApp({
      redisUrl: redis.url,
      pluginConfig: {
        sources: [
          { name: 'segment', writeKey: SEGMENT_KEY },
          { name: 'backend', writeKey: BACKEND_KEY, maxAgeDays: 365 },
          { name: 'throttled', writeKey: THROTTLED_KEY, perMinute: 3 },
        ],
      },
    });
    baseUrl = await app.listen();
  });

  afterAll(async () => {
    await app?.stop();
    await redis?.stop();
  });

  const basic = (key: string) => `Basic ${Buffer.from(`${key}:`).toString('base64')}`;
  const send = (body: unknown, authorization = basic(BACKEND_KEY), path = '/api/personalization/events') =>
    request(app.server).post(path).set('Authorization', authorization).send(body as object);
  const store = () => app.strapi.plugin('personalization').service('store').profiles();
  const hashOf = (userId: string): string => app.strapi.plugin('personalization').service('identity').hashUserId(userId);
  const userVisitor = async (userId: string): Promise<string> => {
    const visitor = await store().userVisitor(hashOf(userId));
    if (!visitor) throw new Error(`no visitor for ${userId}`);
    return visitor;
  };
  const profile = (id: string) => redis.client.hgetall(`psn:{v:${id}}:p`);
  const traits = (id: string) => redis.client.hgetall(`psn:{v:${id}}:x`);

  describe('write keys', () => {
    it('refuses a wrong write key with 401 and writes nothing', async () => {
      const before = await redis.client.keys('psn:{v:*');
      const body = { batch: [{ ...trackEvent('Order Completed'), anonymousId: 'anon-wrong-key-1' }] };
      for (const authorization of [basic('not-the-key-0123456789'), `Bearer ${SEGMENT_KEY}x`, 'Token abc']) {
        const response = await send(body, authorization).expect(401);
        expect(response.body.error).toMatchObject({ status: 401, message: expect.stringContaining('nothing was stored') });
      }
      expect(await redis.client.keys('psn:{v:*')).toEqual(before);
    });

    it("takes the key as Segment's HTTP API does (Basic) and as Bearer; many visitors in one batch", async () => {
      const batch = Array.from({ length: 30 }, (_, i) => ({ ...pageEvent(), anonymousId: `anon-many-${i}` }));
      const response = await send({ batch }).expect(202);
      expect(response.body.data).toEqual({ source: 'backend', accepted: 30, duplicates: 0, bots: 0, visitors: 30 });
      expect(response.headers['set-cookie']).toBeUndefined();
      for (const i of [0, 17, 29]) expect(await profile(`anon-many-${i}`)).toMatchObject({ pv: '1' });
      await send({ batch: [{ ...trackEvent('Signup'), anonymousId: 'anon-many-0' }] }, `Bearer ${SEGMENT_KEY}`).expect(202);
      expect(await profile('anon-many-0')).toMatchObject({ 'e:Signup': '1' });
    });

    it('is trusted for user ids: links and merges without a browser proof', async () => {
      await send({ batch: [{ ...pageEvent(), anonymousId: 'anon-trusted-laptop' }] }).expect(202);
      await send({ batch: [{ type: 'identify', anonymousId: 'anon-trusted-laptop', userId: 'trusted-user-1', traits: { plan: 'pro' } }] }).expect(202);
      expect(await userVisitor('trusted-user-1')).toBe('anon-trusted-laptop');
      await send({ batch: [{ ...pageEvent(), anonymousId: 'anon-trusted-phone', userId: 'trusted-user-1' }] }).expect(202);
      expect(await profile('anon-trusted-laptop')).toMatchObject({ pv: '2' });
      expect(await redis.client.get('psn:{v:anon-trusted-phone}:a')).toBe('anon-trusted-laptop');
      // A user id alone finds the user's visitor.
      await send({ batch: [{ ...trackEvent('Order Completed'), userId: 'trusted-user-1' }] }).expect(202);
      expect(await profile('anon-trusted-laptop')).toMatchObject({ 'e:Order Completed': '1' });
    });

    it('needs an anonymousId or a userId on every event', async () => {
      const response = await send({ batch: [pageEvent()] }).expect(400);
      expect(response.body.error.message).toContain('batch[0]: an event from a server needs an anonymousId or a userId');
    });

    it("checks for bots only on the end user's context.userAgent: a server's own User-Agent, or none, is not a bot", async () => {
      const response = await send({
        batch: [
          { ...pageEvent(), anonymousId: 'anon-bot-check-1' },
          { ...pageEvent(), anonymousId: 'anon-bot-check-2', context: { userAgent: 'Mozilla/5.0 (compatible; Googlebot/2.1; +http://www.google.com/bot.html)' } },
        ],
      })
        .set('User-Agent', 'node-fetch/1.0')
        .expect(202);
      expect(response.body.data).toMatchObject({ accepted: 1, bots: 1 });
      expect(await profile('anon-bot-check-1')).toMatchObject({ pv: '1' });
      expect(await redis.client.exists('psn:{v:anon-bot-check-2}:p')).toBe(0);
    });

    it('may backfill older events, as far as the source allows', async () => {
      const old = { ...pageEvent({ timestamp: isoAgo(200 * 86_400) }), anonymousId: 'anon-backfill-1' };
      await send({ batch: [old] }).expect(202);
      expect(Number((await profile('anon-backfill-1')).fs)).toBeLessThan(Date.now() / 1000 - 199 * 86_400);
      const refused = await send({ batch: [old] }, basic(SEGMENT_KEY)).expect(400);
      expect(refused.body.error.message).toContain('older than 90 days');
    });

    it('is rate-limited per source, counted before the body is read', async () => {
      for (let i = 0; i < 3; i++) await send({ batch: [] }, basic(THROTTLED_KEY)).expect(400);
      const limited = await send({ batch: [{ ...pageEvent(), anonymousId: 'anon-throttled-1' }] }, basic(THROTTLED_KEY)).expect(429);
      expect(limited.body.error).toMatchObject({ status: 429, name: 'RateLimitError', message: expect.stringContaining('source "throttled"') });
      expect(Number(limited.headers['retry-after'])).toBeGreaterThan(0);
      // Other sources are not affected.
      await send({ batch: [{ ...pageEvent(), anonymousId: 'anon-throttled-1' }] }).expect(202);
    });

    it("stores what the README's server-side example sends", async () => {
      // As in README "Sending events from a server".
      const response = await request(app.server)
        .post('/api/personalization/v1/batch')
        .set('Authorization', basic(BACKEND_KEY))
        .set('User-Agent', 'curl/8.5.0')
        .send({
          batch: [
            { type: 'track', event: 'Order Completed', anonymousId: '3f1c2b9e-8d4a-4c4e-9a53-0b6c1f2d7e11', messageId: 'order-1042', timestamp: new Date().toISOString(), properties: { revenue: 42 } },
            { type: 'identify', anonymousId: '3f1c2b9e-8d4a-4c4e-9a53-0b6c1f2d7e11', userId: 'customer-1042', traits: { plan: 'pro', email: 'jane@example.com' } },
          ],
        })
        .expect(202);
      expect(response.body.data).toMatchObject({ accepted: 2, bots: 0 });
      expect(await profile('3f1c2b9e-8d4a-4c4e-9a53-0b6c1f2d7e11')).toMatchObject({ 'e:Order Completed': '1', uid: hashOf('customer-1042') });
    });

    it("takes Segment's single-call paths with Segment's bodies as they are", async () => {
      const key = basic(SEGMENT_KEY);
      const at = '/api/personalization/v1';
      await send({ anonymousId: 'anon-paths-1', event: 'Product Viewed', properties: { category: 'shoes', product_id: 'sku-1' }, context: { active: true, ip: '203.0.113.1' } }, key, `${at}/track`).expect(202);
      await send({ anonymousId: 'anon-paths-1', name: 'Home', properties: { title: 'Home' } }, key, `${at}/page`).expect(202);
      await send({ anonymousId: 'anon-paths-1', name: 'Dashboard' }, key, `${at}/screen`).expect(202);
      await send({ anonymousId: 'anon-paths-1', userId: 'paths-user', traits: { plan: 'team' } }, key, `${at}/identify`).expect(202);
      await send({ anonymousId: 'anon-paths-1', groupId: 'acme', traits: { employees: 10 } }, key, `${at}/group`).expect(202);
      await send({ previousId: 'anon-paths-other', userId: 'paths-user' }, key, `${at}/alias`).expect(202);
      expect(await profile('anon-paths-1')).toMatchObject({ 'e:Product Viewed': '1', 'c:shoes': '1', pv: '2', 'pn:Home': '1', 'pn:Dashboard': '1' });
      expect(await traits('anon-paths-1')).toEqual({ plan: '"team"', groupId: '"acme"' });
      expect(await redis.client.lrange('psn:{v:anon-paths-1}:r', 0, -1)).toEqual(['sku-1']);
      await send({ type: 'page', event: 'x', anonymousId: 'anon-paths-1' }, key, `${at}/track`).expect(400);
    });
  });

  describe("Segment's @segment/analytics-node, unchanged", () => {
    it('delivers identify, track, page, screen, alias and group to the right profiles', async () => {
      const errors: unknown[] = [];
      const analytics = new Analytics({ writeKey: SEGMENT_KEY, host: baseUrl, path: '/api/personalization/v1/batch', flushAt: 20, maxRetries: 0 });
      analytics.on('error', (error) => errors.push(error));
      analytics.track({ anonymousId: 'seg-anon-only', event: 'Anonymous Event', properties: { foo: 'bar' } });
      analytics.identify({ userId: 'seg-user-1', anonymousId: 'seg-anon-1', traits: { email: 'jane@example.com', name: 'Jane Doe', plan: 'pro' } });
      analytics.track({ userId: 'seg-user-1', anonymousId: 'seg-anon-1', event: 'Product Viewed', properties: { category: 'shoes', sku: 'SKU-1', price: 49.99 } });
      analytics.page({ userId: 'seg-user-1', anonymousId: 'seg-anon-1', category: 'Landing', name: 'Home', properties: { url: 'https://example.com/', path: '/', title: 'Home page' } });
      analytics.screen({ userId: 'seg-user-1', anonymousId: 'seg-anon-1', name: 'Dashboard', properties: { section: 'main' } });
      analytics.alias({ userId: 'seg-user-1', previousId: 'seg-old-device' });
      analytics.group({ userId: 'seg-user-1', anonymousId: 'seg-anon-1', groupId: 'group-789', traits: { name: 'Acme Inc', employees: 42 } });
      await analytics.closeAndFlush({ timeout: 10_000 });
      expect(errors).toEqual([]);

      expect(await profile('seg-anon-only')).toMatchObject({ 'e:Anonymous Event': '1' });
      const visitor = await userVisitor('seg-user-1');
      expect(visitor).toBe('seg-anon-1');
      expect(await profile(visitor)).toMatchObject({ 'e:Product Viewed': '1', 'c:shoes': '1', pv: '2', 'pn:Home': '1', 'pn:Dashboard': '1', uid: hashOf('seg-user-1') });
      expect(await traits(visitor)).toEqual({ plan: '"pro"', groupId: '"group-789"' });
      expect(await redisContents(redis.client)).not.toMatch(/jane@example\.com|Jane Doe|seg-user-1/);
    });
  });

  describe("RudderStack's @rudderstack/rudder-sdk-node, unchanged (gzip under a form content type)", () => {
    it('delivers identify, track, page, screen, alias and group to the right profiles', async () => {
      const errors: unknown[] = [];
      const analytics = new RudderAnalytics(SEGMENT_KEY, {
        dataPlaneUrl: `${baseUrl}/api/personalization`,
        flushAt: 20,
        flushInterval: 200,
        retryCount: 0,
        logLevel: 'none',
        errorHandler: (error) => errors.push(error),
      });
      // The SDK sends the first call of a client alone, at once.
      await new Promise<void>((resolve) => analytics.track({ anonymousId: 'rs-anon-only', event: 'Anonymous Event', properties: { foo: 'bar' } }, resolve));
      analytics.identify({ userId: 'rs-user-1', anonymousId: 'rs-anon-1', traits: { email: 'john@example.com', name: 'John Doe', plan: 'pro' } });
      analytics.track({ userId: 'rs-user-1', anonymousId: 'rs-anon-1', event: 'Product Viewed', properties: { category: 'shoes', sku: 'SKU-1' } });
      analytics.page({ userId: 'rs-user-1', anonymousId: 'rs-anon-1', name: 'Home', category: 'Landing', properties: { url: 'https://example.com/' } });
      analytics.screen({ userId: 'rs-user-1', anonymousId: 'rs-anon-1', name: 'Dashboard', properties: { section: 'main' } });
      analytics.alias({ userId: 'rs-user-1', previousId: 'rs-old-device' });
      analytics.group({ userId: 'rs-user-1', anonymousId: 'rs-anon-1', groupId: 'group-456', traits: { name: 'Initech' } });
      await analytics.flush();
      expect(errors).toEqual([]);

      expect(await profile('rs-anon-only')).toMatchObject({ 'e:Anonymous Event': '1' });
      const visitor = await userVisitor('rs-user-1');
      expect(visitor).toBe('rs-anon-1');
      expect(await profile(visitor)).toMatchObject({ 'e:Product Viewed': '1', 'c:shoes': '1', pv: '2', 'pn:Home': '1', 'pn:Dashboard': '1' });
      expect(await traits(visitor)).toEqual({ plan: '"pro"', groupId: '"group-456"' });
      expect(await redisContents(redis.client)).not.toMatch(/john@example\.com|John Doe|rs-user-1/);
    });
  });
});
