import request from 'supertest';
import { gzipSync } from 'zlib';
import { adminToken } from '../helpers/admin';
import { BROWSER_UA, cookieValue, isoAgo, pageEvent, setCookie, trackEvent, visitorId } from '../helpers/events';
import { startRedis, type PrivateRedis } from '../helpers/redis-server';
import { startTestApp, type TestApp } from '../helpers/strapi-app';

describe('identity, profiles and privacy (opt-out mode)', () => {
  let redis: PrivateRedis;
  let app: TestApp;

  beforeAll(async () => {
    redis = await startRedis();
    app = await startTestApp({ redisUrl: redis.url });
  });

  afterAll(async () => {
    await app?.stop();
    await redis?.stop();
  });

  const post = (body: unknown) =>
    request(app.server).post('/api/personalization/events').set('User-Agent', BROWSER_UA).send(body as object);
  const profile = (id: string) => redis.client.hgetall(`psn:{v:${id}}:p`);
  const allRedisText = async () => {
    const keys = await redis.client.keys('*');
    const values = await Promise.all(keys.map((key) => redis.client.dumpBuffer(key)));
    return keys.join('\n') + values.map((value) => value?.toString('latin1')).join('\n');
  };

  describe('identify', () => {
    it("merges a user's devices: counters summed, earliest first-seen, affinities combined", async () => {
      const [laptop, phone] = [visitorId(), visitorId()];
      await post({
        anonymousId: laptop,
        events: [1, 2, 3].map((i) => pageEvent({ timestamp: isoAgo(5 * 86_400 - i * 60), properties: { topic: 'Drama' } })),
      }).expect(202);
      await post({ anonymousId: laptop, events: [{ type: 'identify', userId: 'user-4711', traits: { plan: 'pro', email: 'x@example.com' } }] }).expect(202);
      await post({
        anonymousId: phone,
        events: [1, 2].map((i) => pageEvent({ timestamp: isoAgo(86_400 - i * 60), properties: { topic: 'Comedy' } })),
      }).expect(202);
      const identified = await post({ anonymousId: phone, userId: 'user-4711', events: [{ type: 'identify' }] }).expect(202);

      expect(identified.body.data.visitorId).toBe(laptop);
      expect(cookieValue(setCookie(identified.headers, 'psn_vid'))).toBe(laptop);
      const merged = await profile(laptop);
      // Sessions: the laptop's pages, its identify call (days later), the phone's pages.
      expect(merged).toMatchObject({ pv: '5', sn: '3' });
      expect(Number(merged.fs)).toBeLessThan(Date.now() / 1000 - 4 * 86_400);
      expect(Object.keys(merged).filter((field) => field.startsWith('t:')).sort()).toEqual(['t:Comedy', 't:Drama']);
      expect(await redis.client.hgetall(`psn:{v:${laptop}}:x`)).toEqual({ plan: '"pro"' });
      expect(await redis.client.exists(`psn:{v:${phone}}:p`)).toBe(0);

      // The phone's old id still works for senders that use it: events land on the user's profile.
      const later = await post({ anonymousId: phone, events: [trackEvent('Signup')] }).expect(202);
      expect(later.body.data.visitorId).toBe(laptop);
      expect((await profile(laptop))['e:Signup']).toBe('1');

      // The raw user id and the dropped trait are stored nowhere.
      const everything = await allRedisText();
      expect(everything).not.toContain('user-4711');
      expect(everything).not.toContain('x@example.com');
    });

    it('identifies a logged-in users-permissions user automatically', async () => {
      const role = await app.strapi.db.query('plugin::users-permissions.role').findOne({ where: { type: 'authenticated' } });
      await app.strapi.db.query('plugin::users-permissions.user').create({
        data: { username: 'reader', email: 'reader@example.com', password: await app.strapi.plugin('users-permissions').service('user').ensureHashedPasswords({ password: 'Reader-1234' }).then((u: { password: string }) => u.password), confirmed: true, provider: 'local', role: role.id },
      });
      const login = await request(app.server).post('/api/auth/local').send({ identifier: 'reader@example.com', password: 'Reader-1234' }).expect(200);
      const jwt = login.body.jwt;
      const [tablet, desktop] = [visitorId(), visitorId()];
      await post({ anonymousId: tablet, events: [pageEvent()] }).set('Authorization', `Bearer ${jwt}`).expect(202);
      const second = await post({ anonymousId: desktop, events: [pageEvent()] }).set('Authorization', `Bearer ${jwt}`).expect(202);
      expect(second.body.data.visitorId).toBe(tablet);
      expect(await profile(tablet)).toMatchObject({ pv: '2', uid: expect.stringMatching(/^[A-Za-z0-9_-]{43}$/) });
    });
  });

  describe('GET /api/personalization/profile', () => {
    it('returns the caller’s own profile by cookie or signed token, never by a bare id', async () => {
      const created = await post({ events: [pageEvent({ properties: { topic: 'Sci-Fi' } }), trackEvent('Signup')] }).expect(202);
      const { visitorId: id, visitorToken } = created.body.data;

      const byCookie = await request(app.server).get('/api/personalization/profile').set('Cookie', `psn_vid=${id}`).expect(200);
      expect(byCookie.headers['cache-control']).toBe('no-store');
      expect(byCookie.body.data).toMatchObject({
        visitorId: id,
        segments: [],
        profile: {
          sessions: 1,
          pageviews: 1,
          events: { Signup: 1 },
          topics: { 'Sci-Fi': 1 },
          attribution: { first: { deviceType: 'desktop' } },
          identified: false,
        },
      });
      await request(app.server).get('/api/personalization/profile').set('X-Visitor-Token', visitorToken).expect(200);
      const bare = await request(app.server).get('/api/personalization/profile').set('X-Visitor-Id', id).expect(401);
      expect(bare.body.error).toMatchObject({
        status: 401,
        name: 'UnauthorizedError',
        message: 'no visitor: send the visitor cookie or an X-Visitor-Token header',
      });
      await request(app.server).get('/api/personalization/profile').set('X-Visitor-Token', `${id}.forged`).expect(401);
      await request(app.server).get('/api/personalization/profile?visitorId=x').set('Cookie', `psn_vid=${id}`).expect(400);
    });

    it('exports everything held (Art. 15) as a download', async () => {
      const created = await post({ events: [pageEvent({ properties: { documentId: 'doc123' } }), { type: 'identify', traits: { plan: 'free' } }] }).expect(202);
      const id = created.body.data.visitorId;
      const response = await request(app.server).get('/api/personalization/profile?export=true').set('Cookie', `psn_vid=${id}`).expect(200);
      expect(response.headers['content-disposition']).toContain('attachment');
      expect(response.body.data).toMatchObject({
        visitorId: id,
        exportedAt: expect.any(String),
        retention: expect.stringContaining('180 days'),
        profile: { pageviews: 1, recent: ['doc123'], traits: { plan: 'free' } },
        stored: { fields: expect.objectContaining({ pv: '1' }), windows: expect.any(Object), recent: ['doc123'], traits: { plan: '"free"' } },
      });
    });
  });

  describe('DELETE /api/personalization/profile (Art. 17)', () => {
    it('erases every key of the visitor and of its merged identities, and the cookie', async () => {
      const [first, second] = [visitorId(), visitorId()];
      await post({ anonymousId: first, userId: 'user-erase', events: [pageEvent()] }).expect(202);
      await post({ anonymousId: second, userId: 'user-erase', events: [pageEvent()] }).expect(202);
      const response = await request(app.server).delete('/api/personalization/profile').set('Cookie', `psn_vid=${first}`).expect(200);
      expect(response.body.data).toEqual({ erased: true });
      expect(setCookie(response.headers, 'psn_vid')).toMatch(/psn_vid=;/);
      expect(await redis.client.keys(`*${first}*`)).toEqual([]);
      expect(await redis.client.keys(`*${second}*`)).toEqual([]);
      // The user link went too: the same user starts a fresh profile on the next identify.
      const again = await post({ anonymousId: second, userId: 'user-erase', events: [pageEvent()] }).expect(202);
      expect(again.body.data.visitorId).toBe(second);
    });

    it('needs the cookie or a token', async () => {
      await request(app.server).delete('/api/personalization/profile').set('X-Visitor-Id', visitorId()).expect(401);
    });
  });

  describe('consent (opt-out mode)', () => {
    it('stores nothing when the visitor refused (consent cookie or X-Consent)', async () => {
      const id = visitorId();
      const refused = await post({ anonymousId: id, events: [pageEvent()] }).set('Cookie', 'psn_consent=denied').expect(202);
      expect(refused.body.data).toMatchObject({ accepted: 0, stored: false, reason: 'consent' });
      expect(setCookie(refused.headers, 'psn_vid')).toBeUndefined();
      await post({ anonymousId: id, events: [pageEvent()] }).set('X-Consent', 'denied').expect(202);
      expect(await redis.client.exists(`psn:{v:${id}}:p`)).toBe(0);
    });

    it('honours Global Privacy Control unless the visitor explicitly granted consent', async () => {
      const id = visitorId();
      await post({ anonymousId: id, events: [pageEvent()] }).set('Sec-GPC', '1').expect(202);
      expect(await redis.client.exists(`psn:{v:${id}}:p`)).toBe(0);
      await post({ anonymousId: id, events: [pageEvent()] }).set('Sec-GPC', '1').set('Cookie', 'psn_consent=granted').expect(202);
      expect(await redis.client.exists(`psn:{v:${id}}:p`)).toBe(1);
    });

    it('refusing through POST /consent erases what was held and removes the visitor cookie', async () => {
      const created = await post({ events: [pageEvent()] }).expect(202);
      const id = created.body.data.visitorId;
      const response = await request(app.server)
        .post('/api/personalization/consent')
        .set('Cookie', `psn_vid=${id}`)
        .send({ analytics: false })
        .expect(200);
      expect(response.body.data).toEqual({ analytics: false, erased: true });
      expect(setCookie(response.headers, 'psn_consent')).toMatch(/psn_consent=denied/);
      expect(await redis.client.exists(`psn:{v:${id}}:p`)).toBe(0);
    });

    it('validates the consent body', async () => {
      const response = await request(app.server).post('/api/personalization/consent').send({ analytics: 'yes' }).expect(400);
      expect(response.body.error.message).toBe('analytics: expected true or false');
      await request(app.server).post('/api/personalization/consent').send({ analytics: true, extra: 1 }).expect(400);
    });
  });

  describe('admin look-up and erasure', () => {
    it('finds a profile by user id and erases it, with RBAC', async () => {
      await post({ anonymousId: visitorId(), userId: 'user-admin-lookup', events: [pageEvent()] }).expect(202);
      const token = await adminToken(app, { email: 'super@example.com' });
      const found = await request(app.server)
        .get('/personalization/profiles?userId=user-admin-lookup')
        .set('Authorization', `Bearer ${token}`)
        .expect(200);
      expect(found.body.data.profile).toMatchObject({ pageviews: 1, identified: true });
      const erased = await request(app.server)
        .delete('/personalization/profiles?userId=user-admin-lookup')
        .set('Authorization', `Bearer ${token}`)
        .expect(200);
      expect(erased.body.data.erased).toBe(true);
      await request(app.server).get('/personalization/profiles?userId=user-admin-lookup').set('Authorization', `Bearer ${token}`).expect(404);

      const author = await adminToken(app, { email: 'author@example.com', roleCode: 'strapi-author' });
      await request(app.server).get(`/personalization/profiles?visitorId=${visitorId()}`).set('Authorization', `Bearer ${author}`).expect(403);
      await request(app.server).get(`/personalization/profiles?visitorId=${visitorId()}`).expect(401);
    });
  });

  describe('GET /api/personalization/tracker.js', () => {
    it('serves the tracker gzipped, cacheable, under 4 KB, with the consent settings', async () => {
      // supertest inflates gzip itself; the size on the wire is the gzip of what it hands back.
      const response = await request(app.server).get('/api/personalization/tracker.js').set('Accept-Encoding', 'gzip').expect(200);
      expect(response.headers['content-type']).toContain('application/javascript');
      expect(response.headers['content-encoding']).toBe('gzip');
      expect(response.headers['cache-control']).toBe('public, max-age=3600');
      const source = response.text;
      expect(gzipSync(source, { level: 9 }).length).toBeLessThanOrEqual(4096);
      expect(source.startsWith('window.__psnConfig={"consent":"opt-out","honorBrowserSignals":true};')).toBe(true);
      await request(app.server)
        .get('/api/personalization/tracker.js')
        .set('If-None-Match', response.headers.etag)
        .expect(304);
    });
  });
});
