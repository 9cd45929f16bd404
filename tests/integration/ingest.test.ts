import request from 'supertest';
import { gzipSync } from 'zlib';
import { BROWSER_UA, isoAgo, MOBILE_UA, pageEvent, setCookie, cookieValue, trackEvent, visitorId } from '../helpers/events';
import { rawPost } from '../helpers/raw-post';
import { redisContents } from '../helpers/redis-contents';
import { startRedis, type PrivateRedis } from '../helpers/redis-server';
import { startTestApp, type TestApp } from '../helpers/strapi-app';

describe('POST /api/personalization/events', () => {
  let redis: PrivateRedis;
  let app: TestApp;

  beforeAll(async () => {
    redis = await startRedis();
    app = await startTestApp({ redisUrl: redis.url, pluginConfig: { ingest: { perIpPerMinute: 100_000, perVisitorPerMinute: 1_000 } } });
  });

  afterAll(async () => {
    await app?.stop();
    await redis?.stop();
  });

  const post = (body: unknown) => request(app.server).post('/api/personalization/events').set('User-Agent', BROWSER_UA).send(body as object);

  const profileOf = async (id: string) => {
    const fields = await redis.client.hgetall(`psn:{v:${id}}:p`);
    return fields;
  };

  describe('accepted batches', () => {
    it('answers 202 with what it accepted, sets the visitor cookie and updates the profile in Redis', async () => {
      const response = await post({
        events: [
          pageEvent({ properties: { topic: 'Sci-Fi' }, context: { page: { url: 'https://example.com/a', path: '/a', referrer: 'https://news.example.org/x' }, campaign: { source: 'newsletter', medium: 'email', name: 'spring' }, locale: 'fr-FR' } }),
          trackEvent('Video Playback Started', { category: 'video', action: 'play' }),
          trackEvent('Scroll Depth', { properties: { depth: 50, previous: 25 } }),
          trackEvent('Dwell Time', { properties: { seconds: 42 } }),
        ],
      }).expect(202);
      expect(response.body.data).toEqual({
        accepted: 4,
        duplicates: 0,
        visitorId: expect.stringMatching(/^[A-Za-z0-9_-]{22}$/),
        visitorToken: expect.any(String),
        segments: [],
      });
      const cookie = setCookie(response.headers, 'psn_vid');
      expect(cookie).toMatch(/httponly/i);
      expect(cookie).toMatch(/samesite=lax/i);
      expect(cookie).not.toMatch(/secure/i);
      // The cookie holds the credential (`<id>.<mac>`), never the bare id.
      expect(cookieValue(cookie)).toBe(response.body.data.visitorToken);
      expect(response.body.data.visitorToken).toMatch(new RegExp(`^${response.body.data.visitorId}\\.[A-Za-z0-9_-]{43}$`));

      const fields = await profileOf(response.body.data.visitorId);
      expect(fields).toMatchObject({
        pv: '1',
        sn: '1',
        'e:Video Playback Started': '1',
        'c:video': '1',
        'ca:video/play': '1',
        sx: '50',
        su: '25',
        dw: '42',
        loc: 'fr-FR',
        'a0:us': 'newsletter',
        'a0:um': 'email',
        'a0:uc': 'spring',
        'a0:rh': 'news.example.org',
        'a0:dv': 'desktop',
        'a1:us': 'newsletter',
      });
      expect(fields['t:Sci-Fi']).toMatch(/^1000\|\d+$/);
    });

    it('accepts text/plain bodies, as navigator.sendBeacon sends them', async () => {
      const id = visitorId();
      await request(app.server)
        .post('/api/personalization/events')
        .set('User-Agent', MOBILE_UA)
        .set('Content-Type', 'text/plain;charset=UTF-8')
        .send(JSON.stringify({ anonymousId: id, events: [pageEvent()] }))
        .expect(202);
      expect(await profileOf(id)).toMatchObject({ pv: '1', 'a0:dv': 'mobile' });
    });

    it('reads the body on every path the router takes for the route: a trailing slash, another case', async () => {
      // Strapi's router matches paths whatever their case and with one trailing slash; a body reader
      // matching more strictly once let these reach the controller unread (a 500).
      for (const path of ['/api/personalization/events/', '/api/personalization/EVENTS', '/API/Personalization/Events/', '/api/personalization/v1/Track/']) {
        const id = visitorId();
        const response = await request(app.server).post(path).set('User-Agent', BROWSER_UA).send(path.includes('/v1/') ? { anonymousId: id, event: 'Cased' } : { anonymousId: id, events: [pageEvent()] });
        expect([path, response.status]).toEqual([path, 202]);
        expect(Object.keys(await profileOf(id)).length).toBeGreaterThan(0);
      }
    });

    it('takes Segment batches (`batch`, envelope fields, context.ip) and never stores the IP', async () => {
      const id = visitorId();
      await post({
        batch: [
          {
            ...trackEvent('Order Completed'),
            anonymousId: id,
            sentAt: new Date().toISOString(),
            originalTimestamp: new Date().toISOString(),
            integrations: { All: true },
            channel: 'server',
            version: 2,
            context: { ip: '203.0.113.9', library: { name: 'analytics-node', version: '6.0.0' }, userAgent: BROWSER_UA },
          },
        ],
        sentAt: new Date().toISOString(),
      }).expect(202);
      expect(await profileOf(id)).toMatchObject({ 'e:Order Completed': '1' });
      await app.strapi.plugin('personalization').service('stats').flush();
      const everything = await redisContents(redis.client);
      expect(everything).toContain('Order Completed');
      expect(everything).not.toContain('203.0.113.9');
      expect(everything).not.toContain('127.0.0.1');
    });

    it('identifies the visitor by cookie, then token, then visitor key, then (for writing only) X-Visitor-Id and anonymousId', async () => {
      const created = await post({ events: [pageEvent()] }).expect(202);
      const { visitorId: own, visitorToken } = created.body.data;
      const [fromHeader, fromBody] = [visitorId(), visitorId()];
      const byCookie = await post({ anonymousId: fromBody, events: [pageEvent()] })
        .set('Cookie', `psn_vid=${visitorToken}`)
        .set('X-Visitor-Id', fromHeader)
        .expect(202);
      expect(byCookie.body.data).toMatchObject({ visitorId: own, visitorToken });
      expect(setCookie(byCookie.headers, 'psn_vid')).toBeUndefined();
      const byToken = await post({ visitorToken, anonymousId: fromBody, events: [pageEvent()] }).set('X-Visitor-Id', fromHeader).expect(202);
      expect(byToken.body.data.visitorId).toBe(own);

      // Bare ids write events but get no credential back: the answer carries no cookie and no token.
      const byHeader = await post({ anonymousId: fromBody, events: [pageEvent()] }).set('X-Visitor-Id', fromHeader).expect(202);
      expect(byHeader.body.data.visitorId).toBe(fromHeader);
      expect(byHeader.body.data.visitorToken).toBeUndefined();
      expect(setCookie(byHeader.headers, 'psn_vid')).toBeUndefined();
      const byBody = await post({ anonymousId: fromBody, events: [pageEvent()] }).expect(202);
      expect(byBody.body.data).toMatchObject({ visitorId: fromBody });
      expect(byBody.body.data.visitorToken).toBeUndefined();
      // A cookie holding a bare id (or a forged mac) is no credential either.
      const forged = await post({ events: [pageEvent()] }).set('Cookie', `psn_vid=${own}`).set('X-Visitor-Id', own).expect(202);
      expect(forged.body.data).toMatchObject({ visitorId: own });
      expect(forged.body.data.visitorToken).toBeUndefined();
      expect(await profileOf(own)).toMatchObject({ pv: '4' });
    });

    it('lands a retried first batch (its answer lost) on one visitor, by its visitor key', async () => {
      const visitorKey = 'k'.repeat(10) + Date.now().toString(36) + 'abcdefghijkl';
      const events = [pageEvent(), trackEvent('Signup')];
      const first = await post({ visitorKey, events }).expect(202);
      const retried = await post({ visitorKey, events }).expect(202);
      expect(retried.body.data).toMatchObject({ visitorId: first.body.data.visitorId, accepted: 0, duplicates: 2 });
      expect(retried.body.data.visitorToken).toBe(first.body.data.visitorToken);
      expect(await profileOf(first.body.data.visitorId)).toMatchObject({ pv: '1', 'e:Signup': '1' });
    });

    it('sets the cookie Secure behind https (X-Forwarded-Proto with proxy trust)', async () => {
      app.strapi.server.app.proxy = true;
      try {
        const response = await post({ events: [pageEvent()] }).set('X-Forwarded-Proto', 'https').expect(202);
        expect(setCookie(response.headers, 'psn_vid')).toMatch(/secure/i);
      } finally {
        app.strapi.server.app.proxy = false;
      }
    });

    it('counts a repeated messageId once, so client retries are safe', async () => {
      const id = visitorId();
      const events = [pageEvent(), trackEvent('Signup')];
      const first = await post({ anonymousId: id, events }).expect(202);
      const retry = await post({ anonymousId: id, events }).expect(202);
      expect(first.body.data).toMatchObject({ accepted: 2, duplicates: 0 });
      expect(retry.body.data).toMatchObject({ accepted: 0, duplicates: 2 });
      expect(await profileOf(id)).toMatchObject({ pv: '1', 'e:Signup': '1' });
    });

    it('opens a new session after 30 minutes without events', async () => {
      const id = visitorId();
      await post({
        anonymousId: id,
        events: [
          pageEvent({ timestamp: isoAgo(3 * 3600) }),
          pageEvent({ timestamp: isoAgo(3 * 3600 - 10 * 60) }),
          pageEvent({ timestamp: isoAgo(3600), context: { campaign: { source: 'google' } } }),
        ],
      }).expect(202);
      expect(await profileOf(id)).toMatchObject({ sn: '2', pv: '3', 'a0:us': '', 'a1:us': 'google' });
    });

    it('counts windowed events per day so rules can ask about the last days', async () => {
      const id = visitorId();
      await post({
        anonymousId: id,
        events: [
          trackEvent('Product Viewed', { timestamp: isoAgo(3 * 86_400) }),
          trackEvent('Product Viewed', { timestamp: isoAgo(60) }),
          trackEvent('Product Viewed', { timestamp: isoAgo(30) }),
        ],
      }).expect(202);
      const windows = await redis.client.hgetall(`psn:{v:${id}}:w`);
      // Daily buckets only: no segment asks about this event by the hour.
      expect(Object.keys(windows).filter((key) => key.startsWith('h'))).toEqual([]);
      const counts = Object.entries(windows).filter(([key]) => key.endsWith(':e:Product Viewed')).map(([, count]) => Number(count));
      expect(counts.reduce((a, b) => a + b, 0)).toBe(3);
      expect(counts.length).toBeGreaterThanOrEqual(2);
    });

    it('learns topics from the entry an event points at', async () => {
      const movie = await app.strapi.documents('api::movie.movie').create({
        data: { title: 'Alien', topic: 'Horror', genres: ['Horror', 'Sci-Fi'] },
        status: 'published',
      });
      const id = visitorId();
      await post({
        anonymousId: id,
        events: [pageEvent({ properties: { contentType: 'movie', documentId: movie.documentId } })],
      }).expect(202);
      const fields = await profileOf(id);
      expect(Object.keys(fields).filter((field) => field.startsWith('t:')).sort()).toEqual(['t:Horror', 't:Sci-Fi']);
      expect(await redis.client.lrange(`psn:{v:${id}}:r`, 0, -1)).toEqual([movie.documentId]);

      // An edit changes the topics at once, not after the five minutes they are cached for.
      await app.strapi.documents('api::movie.movie').update({ documentId: movie.documentId, data: { topic: 'Comedy', genres: ['Comedy'] }, status: 'published' } as never);
      const later = visitorId();
      await post({ anonymousId: later, events: [pageEvent({ properties: { contentType: 'movie', documentId: movie.documentId } })] }).expect(202);
      expect(Object.keys(await profileOf(later)).filter((field) => field.startsWith('t:'))).toEqual(['t:Comedy']);
    });

    it('keeps bots out of profiles but counts them', async () => {
      const id = visitorId();
      const response = await post({ anonymousId: id, events: [pageEvent(), pageEvent()] })
        .set('User-Agent', 'Mozilla/5.0 (compatible; Googlebot/2.1; +http://www.google.com/bot.html)')
        .expect(202);
      expect(response.body.data).toMatchObject({ accepted: 0, stored: false, reason: 'bot' });
      expect(await redis.client.exists(`psn:{v:${id}}:p`)).toBe(0);
      await app.strapi.plugin('personalization').service('stats').flush();
      const day = Math.floor(Date.now() / 86_400_000);
      expect(Number(await redis.client.hget(`psn:stats:${day}`, 'bots'))).toBeGreaterThanOrEqual(2);
    });
  });

  describe('refused batches: a 4xx in Strapi error format, and nothing written', () => {
    // Writes the earlier tests' batches left pending (co-engagement flushes every 250 ms) land now,
    // not during a refused request's "nothing written" count.
    beforeEach(() => app.strapi.plugin('personalization').service('recommendations').flush());
    const tooDeep = { a: { b: { c: { d: { e: { f: 1 } } } } } };
    const manyProperties = Object.fromEntries(Array.from({ length: 51 }, (_, i) => [`p${i}`, i]));
    const cases: [string, unknown, number, string][] = [
      ['more than 100 events', { events: Array.from({ length: 101 }, () => pageEvent()) }, 400, 'events: more than 100 events'],
      ['no events', { events: [] }, 400, 'events: expected at least one event'],
      ['an unknown type', { events: [{ type: 'nope' }] }, 400, 'events[0].type: unknown type "nope"'],
      ['a lone UTF-16 surrogate', JSON.parse('{"events":[{"type":"track","event":"x\\ud83d"}]}'), 400, 'ill-formed Unicode'],
      ['a lone surrogate in a key', JSON.parse('{"events":[{"type":"track","event":"x","properties":{"\\udc00":1}}]}'), 400, 'ill-formed Unicode'],
      ['a track without a name', { events: [{ type: 'track' }] }, 400, 'events[0].event: a track event needs an "event" name'],
      ['a wrong type', { events: [{ type: 'track', event: 'X', value: 'ten' }] }, 400, 'events[0].value: Invalid input: expected number'],
      ['a string over 1,024 characters', { events: [trackEvent('X', { label: 'x'.repeat(1025) })] }, 400, 'events[0].label: longer than 1024 characters'],
      ['a long string inside properties', { events: [trackEvent('X', { properties: { note: 'y'.repeat(1025) } })] }, 400, 'events[0].properties.note: string longer than 1024'],
      ['more than 50 properties', { events: [trackEvent('X', { properties: manyProperties })] }, 400, 'events[0].properties: more than 50 properties'],
      ['nesting deeper than 5', { events: [trackEvent('X', { properties: tooDeep })] }, 400, 'events[0].properties.a.b.c.d.e: nested deeper than 5 levels'],
      ['a timestamp more than 24 h ahead', { events: [pageEvent({ timestamp: isoAgo(-25 * 3600) })] }, 400, 'events[0].timestamp: more than 24 hours in the future'],
      ['a timestamp older than 30 days', { events: [pageEvent({ timestamp: isoAgo(31 * 86_400) })] }, 400, 'events[0].timestamp: older than 30 days'],
      ['a timestamp that is not ISO-8601', { events: [pageEvent({ timestamp: 'yesterday' })] }, 400, 'events[0].timestamp: expected an ISO-8601 date-time'],
      ['an unknown field', { events: [pageEvent({ colour: 'red' })] }, 400, 'events[0]: unknown field "colour"'],
      ['an unknown top-level field', { events: [pageEvent()], admin: true }, 400, 'unknown field "admin"'],
      ['a constructor key', { events: [trackEvent('X', { properties: { constructor: { prototype: 1 } } })] }, 400, 'events[0].properties.constructor: forbidden key "constructor"'],
      ['two users in one request', { userId: 'a', events: [pageEvent({ userId: 'b' })] }, 400, 'events[0].userId: differs from the other user ids'],
      ['not an object', [pageEvent()], 400, 'expected a JSON object'],
    ];

    it.each(cases)('refuses %s', async (_label, body, status, message) => {
      const before = await redis.client.dbsize();
      const response = await post(body).expect(status);
      expect(response.body).toEqual({
        data: null,
        error: { status, name: 'ValidationError', message: expect.stringContaining(message), details: expect.any(Object) },
      });
      expect(response.body.error.details.errors[0]).toEqual({ path: expect.any(Array), message: expect.any(String), name: 'ValidationError' });
      expect(await redis.client.dbsize()).toBe(before);
    });

    it.each([
      ['application/json', 'events[0].properties.a.__proto__: forbidden key "__proto__"'],
      ['text/plain', 'events[0].properties.a.__proto__: forbidden key "__proto__"'],
    ])('refuses __proto__ keys anywhere in a %s body', async (contentType, message) => {
      const before = await redis.client.dbsize();
      const raw = `{"events":[{"type":"track","event":"X","properties":{"a":{"__proto__":{"polluted":true}}}}]}`;
      const response = await request(app.server)
        .post('/api/personalization/events')
        .set('Content-Type', contentType)
        .send(raw)
        .expect(400);
      expect(response.body).toMatchObject({ data: null, error: { status: 400 } });
      expect(response.body.error.message).toContain(message);
      expect(({} as Record<string, unknown>).polluted).toBeUndefined();
      expect(await redis.client.dbsize()).toBe(before);
    });

    it('refuses invalid JSON sent as text/plain', async () => {
      const response = await request(app.server)
        .post('/api/personalization/events')
        .set('Content-Type', 'text/plain')
        .send('{"events": [')
        .expect(400);
      expect(response.body.error).toMatchObject({ status: 400, name: 'ValidationError', message: 'the body is not valid JSON' });
    });

    it('refuses a body over 64 KB with 413', async () => {
      const before = await redis.client.dbsize();
      const events = Array.from({ length: 70 }, () => trackEvent('X', { properties: { blob: 'z'.repeat(1000) } }));
      const response = await post({ events }).expect(413);
      expect(response.body.error).toMatchObject({ status: 413, name: 'PayloadTooLargeError' });
      expect(await redis.client.dbsize()).toBe(before);
    });

    it('counts decoded bytes, not compressed ones: a small gzip of a large body is a 413', async () => {
      const before = await redis.client.dbsize();
      const events = Array.from({ length: 90 }, () => trackEvent('X', { properties: { blob: 'z'.repeat(1000) } }));
      const body = gzipSync(JSON.stringify({ events }));
      expect(body.length).toBeLessThan(4096);
      const response = await rawPost(app.server, '/api/personalization/events', { 'Content-Type': 'application/json', 'Content-Encoding': 'gzip' }, body);
      expect(response.status).toBe(413);
      expect(response.body.error).toMatchObject({ status: 413, name: 'PayloadTooLargeError', message: expect.stringContaining('once decoded') });
      expect(await redis.client.dbsize()).toBe(before);
    });

    it('answers a decompression bomb cheaply: a few hundred bytes of error, before decoding it all', async () => {
      // 480,000 zeros in a list: about 1 KB of gzip, 960 KB decoded.
      const bomb = gzipSync(`{"events":[${new Array(480_000).fill('0').join(',')}]}`);
      expect(bomb.length).toBeLessThan(4096);
      const response = await rawPost(app.server, '/api/personalization/events', { 'Content-Type': 'application/json', 'Content-Encoding': 'gzip' }, bomb);
      expect(response.status).toBe(413);
      expect(JSON.stringify(response.body).length).toBeLessThan(1000);
    });

    it('lists only the first issues of a body full of mistakes, and says how many more', async () => {
      const response = await post({ events: Array.from({ length: 100 }, () => 0) }).expect(400);
      expect(response.body.error.message).toMatch(/\(and 97 more\)$/);
      expect(response.body.error.details.errors).toHaveLength(20);
      expect(response.body.error.details.more).toBe(80);
      expect(JSON.stringify(response.body).length).toBeLessThan(5000);
    });

    it('decodes gzip by Content-Encoding whatever the content type (RudderStack sends a form type)', async () => {
      const id = visitorId();
      const gzipped = gzipSync(JSON.stringify({ anonymousId: id, events: [pageEvent()] }));
      const form = { 'User-Agent': BROWSER_UA, 'Content-Type': 'application/x-www-form-urlencoded', 'Content-Encoding': 'gzip' };
      expect((await rawPost(app.server, '/api/personalization/events', form, gzipped)).status).toBe(202);
      expect(await profileOf(id)).toMatchObject({ pv: '1' });
      expect((await rawPost(app.server, '/api/personalization/events', form, 'not gzip')).body.error).toMatchObject({ status: 400, message: 'the body is not valid gzip data' });
      expect((await rawPost(app.server, '/api/personalization/events', { 'Content-Encoding': 'compress' }, '{}')).status).toBe(415);
    });

    it('validates the whole batch before writing anything', async () => {
      const id = visitorId();
      await post({ anonymousId: id, events: [pageEvent(), pageEvent(), { type: 'nope' }] }).expect(400);
      expect(await redis.client.exists(`psn:{v:${id}}:p`)).toBe(0);
    });
  });

  describe('when Redis is down', () => {
    it('answers 503 with Retry-After and stores the retried batch exactly once after recovery', async () => {
      const id = visitorId();
      const events = [pageEvent(), trackEvent('Signup')];
      redis.pause();
      let response;
      try {
        response = await post({ anonymousId: id, events });
      } finally {
        redis.resume();
      }
      expect(response.status).toBe(503);
      expect(response.headers['retry-after']).toBe('5');
      expect(response.body.error).toMatchObject({ status: 503, name: 'ServiceUnavailableError' });
      // It cannot know whether the write landed before Redis stopped answering: it says so.
      expect(response.body.error.message).toMatch(/may or may not have been stored; retry with the same messageIds/);
      // The paused server may have run the script before the client gave up: the retry is
      // counted once either way.
      const retry = await post({ anonymousId: id, events }).expect(202);
      expect(retry.body.data.accepted + retry.body.data.duplicates).toBe(2);
      expect(await profileOf(id)).toMatchObject({ pv: '1', 'e:Signup': '1' });
    });
  });

  describe('floods', () => {
    it('limits events per visitor per minute (429 with Retry-After), counted in Redis', async () => {
      const id = visitorId();
      const batch = () => ({ anonymousId: id, events: Array.from({ length: 100 }, () => trackEvent('Spam')) });
      for (let i = 0; i < 10; i++) await post(batch()).expect(202);
      const limited = await post(batch()).expect(429);
      expect(limited.body.error).toMatchObject({ status: 429, name: 'RateLimitError' });
      expect(Number(limited.headers['retry-after'])).toBeGreaterThan(0);
      expect(await profileOf(id)).toMatchObject({ 'e:Spam': '1000' });
    });
  });
});
