import request from 'supertest';
import { gzipSync } from 'zlib';
import { adminToken } from '../helpers/admin';
import { BROWSER_UA, cookieValue, IDENTITY_SECRET, isoAgo, pageEvent, setCookie, trackEvent, userHashOf, visitorId } from '../helpers/events';
import { redisContents } from '../helpers/redis-contents';
import { startRedis, type PrivateRedis } from '../helpers/redis-server';
import { startTestApp, type TestApp } from '../helpers/strapi-app';

describe('identity, profiles and privacy (opt-out mode)', () => {
  let redis: PrivateRedis;
  let app: TestApp;

  beforeAll(async () => {
    redis = await startRedis();
    app = await startTestApp({
      redisUrl: redis.url,
      pluginConfig: {
        identity: { secret: IDENTITY_SECRET },
        segments: [{ name: 'Readers', slug: 'readers', rules: { fact: 'pageviews', op: 'gte', value: 1 } }],
      },
    });
  });

  afterAll(async () => {
    await app?.stop();
    await redis?.stop();
  });

  const post = (body: unknown) =>
    request(app.server).post('/api/personalization/events').set('User-Agent', BROWSER_UA).send(body as object);
  const profile = (id: string) => redis.client.hgetall(`psn:{v:${id}}:p`);
  /** A browser's first batch: a new visitor with its credential. */
  const newBrowser = async (events: unknown[]) => {
    const response = await post({ events }).expect(202);
    return { visitorId: response.body.data.visitorId as string, token: response.body.data.visitorToken as string };
  };
  const everythingStored = async () => {
    await app.strapi.plugin('personalization').service('stats').flush();
    return redisContents(redis.client);
  };

  describe('identify', () => {
    it("merges a user's devices, with the site backend's proof: counters summed, earliest first-seen, affinities combined", async () => {
      const laptop = await newBrowser([1, 2, 3].map((i) => pageEvent({ timestamp: isoAgo(5 * 86_400 - i * 60), properties: { topic: 'Drama' } })));
      const identified = await post({
        visitorToken: laptop.token,
        events: [{ type: 'identify', userId: 'user-4711', userHash: userHashOf('user-4711'), traits: { plan: 'pro', email: 'x@example.com' } }],
      }).expect(202);
      expect(identified.body.data).toMatchObject({ visitorId: laptop.visitorId, identified: true });
      const phone = await newBrowser([1, 2].map((i) => pageEvent({ timestamp: isoAgo(86_400 - i * 60), properties: { topic: 'Comedy' } })));
      const merged = await post({ visitorToken: phone.token, userId: 'user-4711', userHash: userHashOf('user-4711'), events: [{ type: 'identify' }] }).expect(202);

      // The phone now speaks for the user's visitor, and is given that visitor's credential.
      expect(merged.body.data).toMatchObject({ visitorId: laptop.visitorId, visitorToken: laptop.token, identified: true });
      expect(cookieValue(setCookie(merged.headers, 'psn_vid'))).toBe(laptop.token);
      const fields = await profile(laptop.visitorId);
      // Sessions: the laptop's pages, its identify call (days later), the phone's pages.
      expect(fields).toMatchObject({ pv: '5', sn: '3' });
      expect(Number(fields.fs)).toBeLessThan(Date.now() / 1000 - 4 * 86_400);
      expect(Object.keys(fields).filter((field) => field.startsWith('t:')).sort()).toEqual(['t:Comedy', 't:Drama']);
      expect(await redis.client.hgetall(`psn:{v:${laptop.visitorId}}:x`)).toEqual({ plan: '"pro"' });
      expect(await redis.client.exists(`psn:{v:${phone.visitorId}}:p`)).toBe(0);

      // The phone's old credential still works: its events land on the user's profile.
      const later = await post({ visitorToken: phone.token, events: [trackEvent('Signup')] }).expect(202);
      expect(later.body.data).toMatchObject({ visitorId: laptop.visitorId, visitorToken: laptop.token });
      expect((await profile(laptop.visitorId))['e:Signup']).toBe('1');
      // And it reads the user's profile.
      const read = await request(app.server).get('/api/personalization/profile').set('X-Visitor-Token', phone.token).expect(200);
      expect(read.body.data).toMatchObject({ visitorId: laptop.visitorId, profile: { pageviews: 5, identified: true } });

      // The raw user id and the dropped trait are stored nowhere.
      const everything = await everythingStored();
      expect(everything).not.toContain('user-4711');
      expect(everything).not.toContain('x@example.com');
    });

    it('identifies a logged-in users-permissions user automatically (the JWT is the proof)', async () => {
      const role = await app.strapi.db.query('plugin::users-permissions.role').findOne({ where: { type: 'authenticated' } });
      await app.strapi.db.query('plugin::users-permissions.user').create({
        data: { username: 'reader', email: 'reader@example.com', password: await app.strapi.plugin('users-permissions').service('user').ensureHashedPasswords({ password: 'Reader-1234' }).then((u: { password: string }) => u.password), confirmed: true, provider: 'local', role: role.id },
      });
      const login = await request(app.server).post('/api/auth/local').send({ identifier: 'reader@example.com', password: 'Reader-1234' }).expect(200);
      const jwt = login.body.jwt;
      const tablet = await post({ events: [pageEvent()] }).set('Authorization', `Bearer ${jwt}`).expect(202);
      expect(tablet.body.data.identified).toBe(true);
      const desktop = await post({ events: [pageEvent()] }).set('Authorization', `Bearer ${jwt}`).expect(202);
      expect(desktop.body.data.visitorId).toBe(tablet.body.data.visitorId);
      expect(await profile(tablet.body.data.visitorId)).toMatchObject({ pv: '2', uid: expect.stringMatching(/^[A-Za-z0-9_-]{43}$/) });
      // The JWT proves `up:<its own id>` only.
      const other = await post({ userId: 'up:999', events: [pageEvent()] }).set('Authorization', `Bearer ${jwt}`).expect(202);
      expect(other.body.data).toMatchObject({ identified: false, reason: 'unverified' });
    });
  });

  describe('links between devices and accounts', () => {
    const identify = (browser: { token: string }, userId: string) =>
      post({ visitorToken: browser.token, userId, userHash: userHashOf(userId), events: [{ type: 'identify' }] }).expect(202);

    it('follows a device merged twice (A into B, then B into C) straight to C, never a 500', async () => {
      const [a, b, c] = [await newBrowser([pageEvent()]), await newBrowser([pageEvent()]), await newBrowser([pageEvent()])];
      await identify(b, 'chain-user-b');
      await identify(c, 'chain-user-c');
      await identify(a, 'chain-user-b'); // A joins B
      await identify(b, 'chain-user-c'); // B joins C
      const fromA = await post({ visitorToken: a.token, events: [trackEvent('Still Here')] }).expect(202);
      expect(fromA.body.data).toMatchObject({ visitorId: c.visitorId, visitorToken: c.token });
      expect(await profile(c.visitorId)).toMatchObject({ pv: '3', 'e:Still Here': '1' });
      const read = await request(app.server).get('/api/personalization/profile').set('X-Visitor-Token', a.token).expect(200);
      expect(read.body.data.visitorId).toBe(c.visitorId);
    });

    it('two devices switching between two accounts end on one visitor, and a cycle left by a race is broken', async () => {
      const [phone, laptop] = [await newBrowser([pageEvent()]), await newBrowser([pageEvent()])];
      await identify(phone, 'switch-user-1');
      await identify(laptop, 'switch-user-2');
      await identify(phone, 'switch-user-2');
      await identify(laptop, 'switch-user-1');
      const [first, second] = [await post({ visitorToken: phone.token, events: [pageEvent()] }).expect(202), await post({ visitorToken: laptop.token, events: [pageEvent()] }).expect(202)];
      expect(first.body.data.visitorId).toBe(second.body.data.visitorId);
      // Two merges racing each other can leave A -> B and B -> A behind: reading and writing go on.
      const [x, y] = [await newBrowser([pageEvent()]), await newBrowser([pageEvent()])];
      await redis.client.set(`psn:{v:${x.visitorId}}:a`, y.visitorId);
      await redis.client.set(`psn:{v:${y.visitorId}}:a`, x.visitorId);
      const written = await post({ visitorToken: x.token, events: [trackEvent('After The Race')] }).expect(202);
      const read = await request(app.server).get('/api/personalization/profile').set('X-Visitor-Token', y.token).expect(200);
      expect(read.body.data.profile).not.toBeNull();
      expect([x.visitorId, y.visitorId]).toContain(written.body.data.visitorId);
    });
  });

  describe('GET /api/personalization/profile', () => {
    it('returns the caller’s own profile by cookie or signed token, never by a bare id', async () => {
      const { visitorId: id, token } = await newBrowser([pageEvent({ properties: { topic: 'Sci-Fi' } }), trackEvent('Signup')]);

      const byCookie = await request(app.server).get('/api/personalization/profile').set('Cookie', `psn_vid=${token}`).expect(200);
      expect(byCookie.headers['cache-control']).toBe('no-store');
      expect(byCookie.body.data).toMatchObject({
        visitorId: id,
        segments: ['readers'],
        profile: {
          sessions: 1,
          pageviews: 1,
          events: { Signup: 1 },
          topics: { 'Sci-Fi': 1 },
          attribution: { first: { deviceType: 'desktop' } },
          identified: false,
        },
      });
      await request(app.server).get('/api/personalization/profile').set('X-Visitor-Token', token).expect(200);
      const bare = await request(app.server).get('/api/personalization/profile').set('X-Visitor-Id', id).expect(401);
      expect(bare.body.error).toMatchObject({
        status: 401,
        name: 'UnauthorizedError',
        message: 'no visitor: send the visitor cookie or an X-Visitor-Token header',
      });
      // The id typed into the cookie is no credential.
      await request(app.server).get('/api/personalization/profile').set('Cookie', `psn_vid=${id}`).expect(401);
      await request(app.server).get('/api/personalization/profile').set('X-Visitor-Token', `${id}.forged`).expect(401);
      await request(app.server).get('/api/personalization/profile?visitorId=x').set('Cookie', `psn_vid=${token}`).expect(400);
    });

    it('exports everything held (Art. 15) as a download', async () => {
      const { visitorId: id, token } = await newBrowser([pageEvent({ properties: { documentId: 'doc123' } }), { type: 'identify', traits: { plan: 'free' } }]);
      const response = await request(app.server).get('/api/personalization/profile?export=true').set('Cookie', `psn_vid=${token}`).expect(200);
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
    it('erases the visitor from everything that names it: keys, merged devices, user links, member sets, the log', async () => {
      const first = await newBrowser([pageEvent(), trackEvent('Product Viewed', { properties: { topic: 'Shoes' } })]);
      const second = await newBrowser([pageEvent()]);
      const proof = { userId: 'user-erase', userHash: userHashOf('user-erase') };
      await post({ visitorToken: first.token, ...proof, events: [{ type: 'identify', traits: { plan: 'gold' } }] }).expect(202);
      await post({ visitorToken: second.token, ...proof, events: [pageEvent()] }).expect(202);
      // Member sets and the log are written in the background: wait until they name the visitor.
      await app.strapi.plugin('personalization').service('store').membership().segmentMembers('readers', 10);
      const before = await everythingStored();
      expect(before).toContain(first.visitorId);
      expect(before).toContain(`seg:readers:members`);

      const response = await request(app.server).delete('/api/personalization/profile').set('Cookie', `psn_vid=${second.token}`).expect(200);
      expect(response.body.data).toEqual({ erased: true });
      expect(setCookie(response.headers, 'psn_vid')).toMatch(/psn_vid=;/);
      const after = await everythingStored();
      for (const id of [first.visitorId, second.visitorId]) expect(after.split("\n").filter((line) => line.includes(id))).toEqual([]);
      expect(after).not.toContain(app.strapi.plugin('personalization').service('identity').hashUserId('user-erase'));
      // The user link went too: the same user starts a fresh profile on the next identify.
      const fresh = await newBrowser([pageEvent()]);
      const again = await post({ visitorToken: fresh.token, ...proof, events: [pageEvent()] }).expect(202);
      expect(again.body.data.visitorId).toBe(fresh.visitorId);
    });

    it('needs the cookie or a token', async () => {
      const victim = await newBrowser([pageEvent()]);
      await request(app.server).delete('/api/personalization/profile').set('X-Visitor-Id', victim.visitorId).expect(401);
      await request(app.server).delete('/api/personalization/profile').set('Cookie', `psn_vid=${victim.visitorId}`).expect(401);
      expect(await profile(victim.visitorId)).toMatchObject({ pv: '1' });
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

    it('refusing through POST /consent erases what was held and removes the visitor cookie; a bare id erases nothing', async () => {
      const { visitorId: id, token } = await newBrowser([pageEvent()]);
      const bare = await request(app.server).post('/api/personalization/consent').set('Cookie', `psn_vid=${id}`).send({ analytics: false }).expect(200);
      expect(bare.body.data).toEqual({ analytics: false, erased: false });
      expect(await redis.client.exists(`psn:{v:${id}}:p`)).toBe(1);
      const response = await request(app.server)
        .post('/api/personalization/consent')
        .set('Content-Type', 'text/plain')
        .send(JSON.stringify({ analytics: false, visitorToken: token }))
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

  describe('personal data', () => {
    it('never stores e-mail or IP addresses, whatever the trait names or where they appear', async () => {
      const { visitorId: id } = await newBrowser([
        {
          type: 'identify',
          traits: { Email: 'a1@example.com', user_email: 'a2@example.com', contact: { email: 'a3@example.com', city: 'Lyon' }, mobile: '+33612345678', first_name: 'Jane', ip: '203.0.113.50', plan: 'pro' },
        },
        pageEvent({ name: 'Hello a4@example.com', context: { campaign: { source: 'a5@example.com' }, page: { url: 'https://a.example/', referrer: 'http://198.51.100.23/' } } }),
        trackEvent('Clicked 198.51.100.24', { category: 'a6@example.com', properties: { topics: ['a7@example.com', 'Jazz'] } }),
      ]);
      const traits = await redis.client.hgetall(`psn:{v:${id}}:x`);
      expect(traits).toEqual({ contact: '{"city":"Lyon"}', plan: '"pro"' });
      const everything = await everythingStored();
      expect(everything).toContain('Jazz');
      for (const personal of ['a1@', 'a2@', 'a3@', 'a4@', 'a5@', 'a6@', 'a7@', '203.0.113.50', '198.51.100.23', '198.51.100.24', '+33612345678', 'Jane']) {
        expect([personal, everything.includes(personal)]).toEqual([personal, false]);
      }
      // Nor does the admin's list of names seen in events offer them.
      const token = await adminToken(app, { email: 'facts-admin@example.com' });
      const facts = await request(app.server).get('/personalization/segments/facts').set('Authorization', `Bearer ${token}`).expect(200);
      expect(JSON.stringify(facts.body.data.seen)).not.toMatch(/@example\.com|198\.51/);
    });
  });

  describe('admin look-up and erasure', () => {
    it('finds a profile by user id and erases it, with RBAC', async () => {
      await post({ anonymousId: visitorId(), events: [pageEvent()] }).expect(202);
      const browser = await newBrowser([pageEvent()]);
      await post({ visitorToken: browser.token, userId: 'user-admin-lookup', userHash: userHashOf('user-admin-lookup'), events: [pageEvent()] }).expect(202);
      const token = await adminToken(app, { email: 'super@example.com' });
      const found = await request(app.server)
        .get('/personalization/profiles?userId=user-admin-lookup')
        .set('Authorization', `Bearer ${token}`)
        .expect(200);
      expect(found.body.data.profile).toMatchObject({ pageviews: 2, identified: true });
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
      expect(source.startsWith('window.__psnConfig={"consent":"opt-out","honorBrowserSignals":true,"dwellHeartbeatsSec":[30,60,180]};')).toBe(true);
      await request(app.server)
        .get('/api/personalization/tracker.js')
        .set('If-None-Match', response.headers.etag)
        .expect(304);
    });
  });
});
