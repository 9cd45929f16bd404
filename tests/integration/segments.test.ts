import request from 'supertest';
import { adminToken } from '../helpers/admin';
import { BROWSER_UA, credentialFor, isoAgo, pageEvent, trackEvent, visitorId } from '../helpers/events';
import { startRedis, type PrivateRedis } from '../helpers/redis-server';
import { startTestApp, type TestApp } from '../helpers/strapi-app';

const DAY = 86_400;
const HOUR = 3600;

describe('segments', () => {
  let redis: PrivateRedis;
  let app: TestApp;
  let token: string;

  beforeAll(async () => {
    redis = await startRedis();
    app = await startTestApp({ redisUrl: redis.url, pluginConfig: { ingest: { perIpPerMinute: 100_000 } } });
    token = await adminToken(app, { email: 'segments-admin@example.com' });
  });

  afterAll(async () => {
    await app?.stop();
    await redis?.stop();
  });

  const admin = () => ({
    get: (path: string) => request(app.server).get(`/personalization${path}`).set('Authorization', `Bearer ${token}`),
    post: (path: string, body?: object) =>
      request(app.server).post(`/personalization${path}`).set('Authorization', `Bearer ${token}`).send(body ?? {}),
    put: (path: string, body: object) => request(app.server).put(`/personalization${path}`).set('Authorization', `Bearer ${token}`).send(body),
    del: (path: string) => request(app.server).delete(`/personalization${path}`).set('Authorization', `Bearer ${token}`),
  });
  /** As the tracker sends: with the visitor's credential, so the answer carries its segments (a bare id's would not). */
  const send = (id: string, events: object[]) =>
    request(app.server).post('/api/personalization/events').set('User-Agent', BROWSER_UA).send({ visitorToken: credentialFor(app, id), events });
  /** Many at once, over a real listening socket (supertest's own per-request listen does not take concurrency). */
  let baseUrl: string | undefined;
  const sendAtOnce = async (batches: { id: string; events: object[] }[]) => {
    baseUrl ??= await app.listen();
    const answers = await Promise.all(
      batches.map(({ id, events }) =>
        fetch(`${baseUrl}/api/personalization/events`, { method: 'POST', headers: { 'content-type': 'application/json', 'user-agent': BROWSER_UA }, body: JSON.stringify({ anonymousId: id, events }) })
      )
    );
    expect(answers.map((answer) => answer.status)).toEqual(batches.map(() => 202));
  };
  const jobDone = async () => {
    await app.strapi.plugin('personalization').service('reevaluation').idle();
    return (await admin().get('/segments/reevaluation').expect(200)).body.data;
  };
  const segmentBySlug = async (slug: string) => {
    const list = await admin().get('/segments').expect(200);
    return list.body.data.find((segment: { slug: string }) => segment.slug === slug);
  };

  describe('templates put the right synthetic visitors in the right segments', () => {
    const visitors = {
      newcomer: visitorId(),
      regular: visitorId(),
      techie: visitorId(),
      buyer: visitorId(),
      recentBuyer: visitorId(),
      abandoner: visitorId(),
      converter: visitorId(),
    };
    const answers: Record<string, string[]> = {};

    beforeAll(async () => {
      const templates = await admin().get('/segments/templates').expect(200);
      expect(templates.body.data.map((template: { key: string }) => template.key)).toEqual([
        'new-visitors',
        'returning-engaged',
        'technical-content-enthusiasts',
        'occasional-buyers',
        'cart-abandoners',
        'most-engaged',
      ]);
      for (const key of ['new-visitors', 'returning-engaged', 'technical-content-enthusiasts', 'occasional-buyers', 'cart-abandoners']) {
        const added = await admin().post(`/segments/templates/${key}`).expect(201);
        expect(added.body.data).toMatchObject({ slug: key, template: key, source: 'admin', readOnly: false });
      }
      await jobDone();

      const last = async (id: string, events: object[]) => {
        const response = await send(id, events).expect(202);
        answers[id] = response.body.data.segments;
      };
      await last(visitors.newcomer, [pageEvent()]);
      await last(visitors.regular, [
        ...[20, 10, 1].flatMap((days) => [0, 1, 2, 3].map((minute) => pageEvent({ timestamp: isoAgo(days * DAY - minute * 60) }))),
        trackEvent('Dwell Time', { properties: { seconds: 400 }, timestamp: isoAgo(DAY - 300) }),
      ]);
      await last(visitors.techie, [1, 2, 3, 4].map((i) => pageEvent({ properties: { topic: 'Technology' }, timestamp: isoAgo(i * 60) })));
      await last(visitors.buyer, [
        trackEvent('Order Completed', { timestamp: isoAgo(12 * DAY) }),
        trackEvent('Order Completed', { timestamp: isoAgo(10 * DAY) }),
      ]);
      await last(visitors.recentBuyer, [trackEvent('Order Completed', { timestamp: isoAgo(2 * HOUR) })]);
      await last(visitors.abandoner, [pageEvent({ timestamp: isoAgo(2 * DAY + 60) }), trackEvent('Product Added', { timestamp: isoAgo(2 * DAY) })]);
      await last(visitors.converter, [
        trackEvent('Product Added', { timestamp: isoAgo(2 * DAY) }),
        trackEvent('Order Completed', { timestamp: isoAgo(2 * DAY - 600) }),
      ]);
    });

    it.each([
      ['newcomer', ['new-visitors']],
      ['regular', ['returning-engaged']],
      ['techie', ['technical-content-enthusiasts', 'new-visitors']],
      ['buyer', ['occasional-buyers']],
      ['recentBuyer', ['new-visitors']],
      ['abandoner', ['cart-abandoners', 'new-visitors']],
      ['converter', ['new-visitors']],
    ] as const)('%s -> %j (highest priority first)', (who, expected) => {
      expect(answers[visitors[who]]).toEqual(expected);
    });

    it('returns the visitor’s segments from GET /api/personalization/profile', async () => {
      const created = await request(app.server)
        .post('/api/personalization/events')
        .set('User-Agent', BROWSER_UA)
        .send({ events: [1, 2, 3].map(() => pageEvent({ properties: { topic: 'Technology' } })) })
        .expect(202);
      const profile = await request(app.server)
        .get('/api/personalization/profile')
        .set('X-Visitor-Token', created.body.data.visitorToken)
        .expect(200);
      expect(profile.body.data.segments).toEqual(['technical-content-enthusiasts', 'new-visitors']);
      expect(profile.body.data.profile.segments).toEqual(['technical-content-enthusiasts', 'new-visitors']);
    });

    it('lists members (pseudonymous ids) and logs entries and exits', async () => {
      const abandoners = await segmentBySlug('cart-abandoners');
      const members = await admin().get(`/segments/${abandoners.documentId}/members?limit=10`).expect(200);
      expect(members.body.data.map((member: { visitorId: string }) => member.visitorId)).toEqual([visitors.abandoner]);
      expect(members.body.meta).toEqual({ segment: 'cart-abandoners', size: 1 });
      // Both of the abandoner's segments were entered with its one batch.
      const log = await admin().get('/segments/log?limit=200').expect(200);
      const theirs = log.body.data.filter((entry: { visitorId: string }) => entry.visitorId === visitors.abandoner);
      expect(theirs.map((entry: { segment: string; change: string }) => `${entry.change} ${entry.segment}`).sort()).toEqual([
        'enter cart-abandoners',
        'enter new-visitors',
      ]);
    });

    it('moves a visitor out when behavior changes: the abandoner comes back and orders', async () => {
      // A second session (no longer new), and an order (no longer abandoning; too recent for occasional buyers).
      const response = await send(visitors.abandoner, [trackEvent('Order Completed')]).expect(202);
      expect(response.body.data.segments).toEqual([]);
      const log = await admin().get('/segments/log?limit=2').expect(200);
      expect(log.body.data.map((entry: { visitorId: string; segment: string; change: string }) => `${entry.change} ${entry.segment}`).sort()).toEqual([
        'leave cart-abandoners',
        'leave new-visitors',
      ]);
    });
  });

  describe('admin API', () => {
    it('creates, reads, updates and deletes a segment', async () => {
      const created = await admin()
        .post('/segments', { name: 'Video fans', slug: 'video-fans', rules: { fact: 'category.video', op: 'gte', value: 2 }, priority: 5 })
        .expect(201);
      const id = created.body.data.documentId;
      expect(created.body.data).toMatchObject({ slug: 'video-fans', kind: 'rule', enabled: true, source: 'admin', size: 0 });
      await admin().get(`/segments/${id}`).expect(200);
      const updated = await admin().put(`/segments/${id}`, { name: 'Video lovers', enabled: false }).expect(200);
      expect(updated.body.data).toMatchObject({ name: 'Video lovers', slug: 'video-fans', enabled: false });
      await admin().del(`/segments/${id}`).expect(200);
      await admin().get(`/segments/${id}`).expect(404);
    });

    it('counts by the hour only what an hour-window segment asks about, from when it is saved', async () => {
      const windowsOf = async (id: string) => Object.keys(await redis.client.hgetall(`psn:{v:${id}}:w`)).filter((key) => key.startsWith('h')).sort();
      const before = visitorId();
      await send(before, [trackEvent('Webinar Joined')]).expect(202);
      expect(await windowsOf(before)).toEqual([]);

      const created = await admin()
        .post('/segments', { name: 'Webinar now', slug: 'webinar-now', rules: { fact: 'events.Webinar Joined', op: 'gte', value: 2, window: '6h' } })
        .expect(201);
      const after = visitorId();
      const answer = await send(after, [trackEvent('Webinar Joined'), trackEvent('Webinar Joined', { timestamp: isoAgo(2 * HOUR) })]).expect(202);
      expect(answer.body.data.segments).toContain('webinar-now');
      const hour = (ago: number) => `h${Math.floor((Date.now() / 1000 - ago) / HOUR)}:e:Webinar Joined`;
      expect(await windowsOf(after)).toEqual([hour(2 * HOUR), hour(0)].sort());

      // Disabled, the segment no longer asks: new counts are daily only.
      await admin().put(`/segments/${created.body.data.documentId}`, { enabled: false }).expect(200);
      const later = visitorId();
      await send(later, [trackEvent('Webinar Joined')]).expect(202);
      expect(await windowsOf(later)).toEqual([]);
      await admin().del(`/segments/${created.body.data.documentId}`).expect(200);
    });

    it.each([
      [{ name: 'X', slug: 'x', rules: { all: [{ fact: 'pageviews', op: 'gt', value: 1 }, { fact: 'sessions', op: 'gt', value: 1 }, { fact: 'pageviews', op: 'greater', value: 3 }] } }, 'rules.all[2].op: unknown operator "greater"'],
      [{ name: 'X', slug: 'x', rules: { fact: 'pageveiws', op: 'gt', value: 1 } }, 'rules.fact: unknown fact "pageveiws"'],
      [{ name: 'X', slug: 'x', rules: { fact: 'pageviews', op: 'gt', value: 'many' } }, 'rules.value: expected a number'],
      [{ name: 'X', slug: 'x' }, 'rules: a rule segment needs rules'],
      [{ name: 'X', slug: 'Not A Slug', rules: { all: [] } }, 'slug: expected lowercase letters, digits and single hyphens'],
      [{ name: '', slug: 'x', rules: { all: [] } }, 'name: must not be empty'],
      [{ name: 'X', slug: 'x', rules: { all: [] }, colour: 'red' }, 'unknown field "colour"'],
      [{ name: 'X', slug: 'x', rules: { all: [] }, priority: 1.5 }, 'priority: expected a whole number'],
      [{ name: 'X', slug: 'new-visitors', rules: { all: [] } }, 'slug: "new-visitors" is already used by the segment "New Visitors"'],
      [{ name: 'X', slug: 'x', rules: { any: [{ fact: 'referrer.host', op: 'matches', value: '(\\w+)\\1' }] } }, 'rules.any[0].value: not a regular expression RE2 accepts'],
      [{ name: 'X', slug: 'x', rules: { fact: 'lastSeen', op: 'before', value: '2026-01-31T10:00' } }, 'rules.value: expected an ISO 8601 date'],
      [{ name: 'X', slug: 'x', rules: { fact: 'recent', op: 'gt', value: 1 } }, 'rules.op: operator "gt" does not apply to the list fact recent'],
    ])('refuses %j with a 400 naming the path', async (body, message) => {
      const response = await admin().post('/segments', body).expect(400);
      expect(response.body.error).toMatchObject({ status: 400, name: 'ValidationError' });
      expect(response.body.error.message).toContain(message);
    });

    it('validates rules without saving them and says how many stored profiles match now', async () => {
      const ok = await admin().post('/segments/validate', { rules: { fact: 'topics.Technology', op: 'gte', value: 0.5 } }).expect(200);
      expect(ok.body.data).toMatchObject({ valid: true, matching: 2, complete: true });
      expect(ok.body.data.scanned).toBeGreaterThanOrEqual(8);
      const bad = await admin().post('/segments/validate', { rules: { any: [{ fact: 'pageviews', op: 'nope' }] } }).expect(400);
      expect(bad.body.error.message).toContain('rules.any[0].op: unknown operator "nope"');
    });

    it('evaluates the date, pattern and list operators on stored profiles as their older equivalents', async () => {
      const matching = async (rules: object) => (await admin().post('/segments/validate', { rules }).expect(200)).body.data.matching as number;
      // Seen first within 24 hours is "0 whole days since first seen"; a pattern and its plain test; a list's none and not contains.
      const firstDay = await matching({ fact: 'daysSinceFirstSeen', op: 'eq', value: 0 });
      expect(firstDay).toBeGreaterThanOrEqual(3);
      expect(await matching({ fact: 'firstSeen', op: 'inLast', value: '1d' })).toBe(firstDay);
      expect(await matching({ fact: 'device.type', op: 'matches', value: '^desk' })).toBe(await matching({ fact: 'device.type', op: 'startsWith', value: 'desk' }));
      expect(await matching({ fact: 'recent', op: 'none', value: ['nothing-1', 'nothing-2'] })).toBe(await matching({ fact: 'recent', op: 'notContains', value: 'nothing-1' }));
      expect(await matching({ fact: 'lastSeen', op: 'after', value: '2000-01-01' })).toBe(await matching({ fact: 'lastSeen', op: 'exists' }));
    });

    it('lists the facts and operators for rule builders', async () => {
      const facts = await admin().get('/segments/facts').expect(200);
      expect(facts.body.data.operators).toContain('between');
      expect(facts.body.data.operatorsByType.date).toEqual(['before', 'after', 'between', 'isDay', 'isNotDay', 'inLast', 'exists', 'notExists']);
      expect(facts.body.data.operatorAliases).toEqual({ notIn: 'nin', missing: 'notExists' });
      expect(facts.body.data.scalars.map((fact: { name: string }) => fact.name)).toContain('engagement.percentile');
    });

    it('needs the segment permissions', async () => {
      const author = await adminToken(app, { email: 'segments-author@example.com', roleCode: 'strapi-author' });
      await request(app.server).get('/personalization/segments').set('Authorization', `Bearer ${author}`).expect(403);
      await request(app.server).get('/personalization/segments').expect(401);
    });
  });

  describe('re-evaluation of stored profiles', () => {
    it('puts existing visitors in a new segment in the background, and records its size', async () => {
      const fans = visitorId();
      await send(fans, [1, 2, 3].map(() => trackEvent('Video Playback Started', { category: 'video', action: 'play' }))).expect(202);
      await jobDone();
      const created = await admin().post('/segments', { name: 'Video fans', slug: 'video-fans-2', rules: { fact: 'category.video', op: 'gte', value: 3 } }).expect(201);
      const status = await jobDone();
      expect(status).toMatchObject({ state: 'done', reason: 'segment "video-fans-2" created' });
      const members = await admin().get(`/segments/${created.body.data.documentId}/members`).expect(200);
      expect(members.body.data.map((member: { visitorId: string }) => member.visitorId)).toEqual([fans]);
      const sizes = await admin().get(`/segments/${created.body.data.documentId}/sizes?days=7`).expect(200);
      expect(sizes.body.data).toEqual([{ date: new Date().toISOString().slice(0, 10), size: 1 }]);
      // The visitor's own stored membership was updated too.
      expect(JSON.parse((await redis.client.get(`psn:{v:${fans}}:s`)) ?? '[]')).toContain('video-fans-2');
    });

    it('computes engagement percentiles for all profiles (most-engaged template)', async () => {
      await admin().post('/segments/templates/most-engaged').expect(201);
      await jobDone();
      // A second pass uses the distribution computed by the first.
      await admin().post('/segments/reevaluation').expect(202);
      await jobDone();
      const mostEngaged = await segmentBySlug('most-engaged');
      expect(mostEngaged.size).toBeGreaterThanOrEqual(1);
      expect(JSON.parse((await redis.client.get('psn:engagement:cuts')) ?? '[]')).toHaveLength(101);
    });
  });

  describe('concurrent batches of one visitor', () => {
    it('end with the membership of the final profile, each entry logged once', async () => {
      await admin().post('/segments', { name: 'Five pages', slug: 'five-pages', rules: { fact: 'pageviews', op: 'gte', value: 5 } }).expect(201);
      await admin().post('/segments', { name: 'Two pages', slug: 'two-pages', rules: { fact: 'pageviews', op: 'gte', value: 2 } }).expect(201);
      await jobDone();
      const id = visitorId();
      await sendAtOnce(Array.from({ length: 24 }, () => ({ id, events: [pageEvent()] })));
      const stored = JSON.parse((await redis.client.get(`psn:{v:${id}}:s`)) ?? '[]');
      expect(stored).toEqual(expect.arrayContaining(['five-pages', 'two-pages']));
      const log = (await admin().get('/segments/log?limit=1000').expect(200)).body.data.filter((entry: { visitorId: string }) => entry.visitorId === id);
      const entries = log.filter((entry: { change: string }) => entry.change === 'enter').map((entry: { segment: string }) => entry.segment).sort();
      expect(entries.filter((segment: string) => segment === 'five-pages')).toEqual(['five-pages']);
      expect(entries.filter((segment: string) => segment === 'two-pages')).toEqual(['two-pages']);
      expect(log.filter((entry: { change: string }) => entry.change === 'leave')).toEqual([]);
    });
  });
});
