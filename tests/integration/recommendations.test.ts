import request from 'supertest';
import { assignArm } from '../../server/src/experiments/bucketing';
import { adminToken } from '../helpers/admin';
import { BROWSER_UA, credentialFor, pageEvent, trackEvent, visitorId } from '../helpers/events';
import { redisContents } from '../helpers/redis-contents';
import { startRedis, type PrivateRedis } from '../helpers/redis-server';
import { startTestApp, type TestApp } from '../helpers/strapi-app';

const MOVIE = 'api::movie.movie';

/**
 * The recommendations endpoint end to end: co-engagement recorded by ingest into a real Redis,
 * answers shaped like the type's own find, permissions, hostile queries, erase.
 */
describe('recommendations', () => {
  let redis: PrivateRedis;
  let app: TestApp;
  /** m[0] is watched with m[1] by many, with m[2] by some; m[3..5] form another group; m[6] is a draft. */
  const m: { documentId: string; title: string }[] = [];

  const send = (id: string, events: object[]) =>
    request(app.server).post('/api/personalization/events').set('User-Agent', BROWSER_UA).send({ anonymousId: id, events }).expect(202);
  const view = (movie: { documentId: string }) => pageEvent({ properties: { contentType: MOVIE, documentId: movie.documentId } });
  const recommendations = (query: string, visitor?: string) => {
    const call = request(app.server).get(`/api/personalization/recommendations?${query}`);
    return visitor ? call.set('X-Visitor-Token', credentialFor(app, visitor)) : call;
  };
  const flushWrites = () => app.strapi.plugin('personalization').service('recommendations').flush();

  beforeAll(async () => {
    redis = await startRedis();
    app = await startTestApp({ redisUrl: redis.url });
    const titles = ['Alien', 'Aliens', 'Predator', 'Amelie', 'Chocolat', 'Delicatessen', 'Unreleased'];
    for (const [index, title] of titles.entries()) {
      const genres = index < 3 ? ['Sci-Fi', 'Action'] : ['Romance', 'Comedy'];
      const created = await app.strapi.documents(MOVIE).create({
        data: { title, topic: genres[0], genres },
        status: index === 6 ? 'draft' : 'published',
      } as never);
      m.push({ documentId: created.documentId, title });
    }
    // Co-engagement: Alien with Aliens (8 visitors), Alien with Predator (3), Amelie with Chocolat (5).
    for (let index = 0; index < 8; index++) await send(visitorId(), [view(m[0]), view(m[1])]);
    for (let index = 0; index < 3; index++) await send(visitorId(), [view(m[0]), view(m[2])]);
    for (let index = 0; index < 5; index++) await send(visitorId(), [view(m[3]), view(m[4]), view(m[6])]);
    await flushWrites();
  });

  afterAll(async () => {
    await app?.stop();
    await redis?.stop();
  });

  it('recommends what others engaged with alongside the visitor\'s history, as the type\'s find answers, never what was just viewed', async () => {
    const visitor = visitorId();
    await send(visitor, [view(m[0])]);
    await flushWrites();
    const { body, headers } = await recommendations(`contentType=${MOVIE}&limit=3`, visitor).expect(200);
    expect(body.meta.strategy).toBe('cf-v1');
    expect(body.data.map((entry: { title: string }) => entry.title).slice(0, 2)).toEqual(['Aliens', 'Predator']);
    expect(body.meta.recommendations[0]).toMatchObject({ documentId: m[1].documentId, reason: 'co-engagement' });
    expect(body.meta.recommendations[0].score).toBeGreaterThan(body.meta.recommendations[1].score);
    expect(body.data.map((entry: { documentId: string }) => entry.documentId)).not.toContain(m[0].documentId);
    // Shaped like GET /api/movies: the same keys for the same entry.
    const plain = await request(app.server).get(`/api/movies/${m[1].documentId}`).expect(200);
    expect(Object.keys(body.data[0]).sort()).toEqual(Object.keys(plain.body.data).sort());
    expect(headers['cache-control']).toContain('private');
  });

  it('answers "related to this entry" without any visitor, and never serves a draft', async () => {
    const { body } = await recommendations(`contentType=movie&for=${m[3].documentId}&limit=5`).expect(200);
    expect(body.data[0].title).toBe('Chocolat');
    expect(body.data.map((entry: { documentId: string }) => entry.documentId)).not.toContain(m[6].documentId);
    expect(body.data.map((entry: { documentId: string }) => entry.documentId)).not.toContain(m[3].documentId);
  });

  it('serves next-v1: where visitors went next from an entry, directed, then co-engagement', async () => {
    // Every visitor above went from Alien to Aliens (8) or Predator (3); nobody went on from Aliens.
    const fromAlien = await recommendations(`contentType=${MOVIE}&for=${m[0].documentId}&limit=2&strategy=next-v1`).expect(200);
    expect(fromAlien.body.meta.strategy).toBe('next-v1');
    expect(fromAlien.body.meta.recommendations).toEqual([
      { documentId: m[1].documentId, reason: 'next-step', score: expect.closeTo(8 / 11, 3) },
      { documentId: m[2].documentId, reason: 'next-step', score: expect.closeTo(3 / 11, 3) },
    ]);
    const fromAliens = await recommendations(`contentType=${MOVIE}&for=${m[1].documentId}&limit=1&strategy=next-v1`).expect(200);
    expect(fromAliens.body.meta.recommendations).toEqual([{ documentId: m[0].documentId, reason: 'co-engagement', score: expect.any(Number) }]);
  });

  it('shows the admin the paths from an entry, two steps deep, named as the Content Manager names them', async () => {
    // Two visitors go on from Aliens to Predator: Alien -> Aliens -> Predator is a path.
    for (let index = 0; index < 2; index++) await send(visitorId(), [view(m[1]), view(m[2])]);
    await flushWrites();
    const token = await adminToken(app, { email: 'recommendations-paths@example.com' });
    const paths = (query: string) => request(app.server).get(`/personalization/paths?${query}`).set('Authorization', `Bearer ${token}`);
    const { body } = await paths(`contentType=${MOVIE}&documentId=${m[0].documentId}`).expect(200);
    expect(body.data.from).toEqual({ documentId: m[0].documentId, label: 'Alien' });
    expect(body.data.steps).toEqual([
      { documentId: m[1].documentId, label: 'Aliens', share: expect.closeTo(8 / 11, 3), next: [{ documentId: m[2].documentId, label: 'Predator', share: 1 }] },
      { documentId: m[2].documentId, label: 'Predator', share: expect.closeTo(3 / 11, 3), next: [] },
    ]);
    const starts = await paths(`contentType=${MOVIE}`).expect(200);
    expect(starts.body.data.steps).toEqual([]);
    expect(starts.body.data.starts.map((entry: { label: string }) => entry.label).slice(0, 2)).toEqual(['Alien', 'Aliens']);
    const refused = await paths('contentType=api::nothing.nothing').expect(400);
    expect(refused.body.error.message).toContain('not a personalized collection type');
    await paths(`contentType=${MOVIE}&documentId=bad id`).expect(400);
    await request(app.server).get(`/personalization/paths?contentType=${MOVIE}`).expect(401);
  });

  it('falls back to popular entries for a visitor with no history (cold start), saying so', async () => {
    const { body } = await recommendations(`contentType=${MOVIE}&limit=2`).expect(200);
    expect(body.data).toHaveLength(2);
    expect(body.meta.recommendations.every((item: { reason: string }) => item.reason === 'popular')).toBe(true);
    expect(body.data[0].title).toBe('Alien');
  });

  it('takes populate/fields as a normal find does, and the strategy asked for', async () => {
    const { body } = await recommendations(`contentType=${MOVIE}&for=${m[0].documentId}&fields[0]=title&strategy=popular-v1`).expect(200);
    expect(body.meta.strategy).toBe('popular-v1');
    for (const entry of body.data) expect(Object.keys(entry).sort()).toEqual(['documentId', 'id', 'title']);
  });

  it('uses no history for a bare visitor id: an id is not a credential', async () => {
    const visitor = visitorId();
    await send(visitor, [view(m[3])]);
    await flushWrites();
    const bare = await request(app.server).get(`/api/personalization/recommendations?contentType=${MOVIE}&limit=3`).set('X-Visitor-Id', visitor).expect(200);
    expect(bare.body.meta.recommendations.every((item: { reason: string }) => item.reason === 'popular')).toBe(true);
    const signed = await recommendations(`contentType=${MOVIE}&limit=3`, visitor).expect(200);
    expect(signed.body.data[0].title).toBe('Chocolat');
  });

  it('is a typed GraphQL query too, with the same answers and the same limits', async () => {
    const graphql = (query: string, visitor?: string) => {
      const call = request(app.server).post('/graphql').send({ query });
      return visitor ? call.set('X-Visitor-Token', credentialFor(app, visitor)) : call;
    };
    const related = await graphql(`{ recommendedMovies(for: "${m[0].documentId}", limit: 2) { strategy items { documentId reason score entry { title } } } }`).expect(200);
    expect(related.body.errors).toBeUndefined();
    const rest = await recommendations(`contentType=${MOVIE}&for=${m[0].documentId}&limit=2`).expect(200);
    expect(related.body.data.recommendedMovies.items.map((item: { entry: { title: string } }) => item.entry.title)).toEqual(
      rest.body.data.map((entry: { title: string }) => entry.title)
    );
    expect(related.body.data.recommendedMovies.items[0]).toMatchObject({ documentId: m[1].documentId, reason: 'co-engagement' });
    const tooMany = await graphql('{ recommendedMovies(limit: 1000) { strategy } }');
    expect(tooMany.body.errors[0].message).toContain('limit');
  });

  it.each([
    ['an unknown content type', 'contentType=api::nope.nope'],
    ['a type that is not personalized', 'contentType=plugin::users-permissions.user'],
    ['a limit past the maximum', `contentType=${MOVIE}&limit=1000`],
    ['a hostile documentId', `contentType=${MOVIE}&for=../../etc`],
    ['an unknown strategy', `contentType=${MOVIE}&strategy=mine`],
    ['an unknown parameter', `contentType=${MOVIE}&filters[title]=x`],
    ['no content type', 'limit=3'],
  ])('refuses %s with a 400 in Strapi\'s error format', async (_name, query) => {
    const { body } = await recommendations(query).expect(400);
    expect(body.error).toMatchObject({ status: 400, name: 'ValidationError' });
    expect(JSON.stringify(body).length).toBeLessThan(2_000);
  });

  it('counts clicks on recommended entries per strategy (the tracker adds properties.recommendation)', async () => {
    await send(visitorId(), [
      trackEvent('Recommendation Clicked', { properties: { recommendation: 'cf-v1' } }),
      trackEvent('Recommendation Clicked', { properties: { recommendation: 'bogus' } }),
    ]);
    const stats = app.strapi.plugin('personalization').service('stats');
    const day = Math.floor(Date.now() / 86_400_000);
    const counts = (await stats.read(day, day))[day] ?? {};
    expect(counts['rec-clicked:cf-v1']).toBe(1);
    expect(counts['rec-clicked:bogus']).toBeUndefined();
    expect(counts['rec-served:cf-v1']).toBeGreaterThan(0);
  });

  it('compares strategies in an experiment: arms by visitor, exposures on the first answer, clicks as conversions', async () => {
    const token = await adminToken(app, { email: 'recommendations-admin@example.com' });
    const admin = (method: 'get' | 'post', path: string) => request(app.server)[method](`/personalization${path}`).set('Authorization', `Bearer ${token}`);
    const refused = await admin('post', '/experiments')
      .send({ name: 'bad', key: 'rec-bad', target: { recommendations: MOVIE }, arms: [{ key: 'control', weight: 1 }, { key: 'mine-v9', weight: 1 }], goals: { primary: { event: 'Recommendation Clicked' } } })
      .expect(400);
    expect(refused.body.error.message).toContain('strategy');
    const created = await admin('post', '/experiments')
      .send({
        name: 'Popular vs co-engagement',
        key: 'rec-strategies',
        target: { recommendations: MOVIE },
        arms: [{ key: 'control', weight: 1 }, { key: 'popular-v1', weight: 1 }],
        goals: { primary: { event: 'Recommendation Clicked' } },
      })
      .expect(201);
    const id = created.body.data.documentId;
    await admin('post', `/experiments/${id}/start`).expect(200);
    try {
      const visitors = Array.from({ length: 12 }, () => visitorId());
      for (const visitor of visitors) await send(visitor, [view(m[0])]);
      await flushWrites();
      for (const visitor of visitors) {
        const arm = assignArm('rec-strategies', visitor, [{ key: 'control', weight: 1 }, { key: 'popular-v1', weight: 1 }], 0);
        const { body } = await recommendations(`contentType=${MOVIE}&limit=2`, visitor).expect(200);
        expect(body.meta.experiment).toEqual({ key: 'rec-strategies', arm });
        expect(body.meta.strategy).toBe(arm === 'control' ? 'cf-v1' : 'popular-v1');
        // Asking twice is one exposure.
        await recommendations(`contentType=${MOVIE}&limit=2`, visitor).expect(200);
      }
      await send(visitors[0], [trackEvent('Recommendation Clicked', { properties: { recommendation: 'x' } })]);
      const results = (await admin('get', `/experiments/${id}/results`).expect(200)).body.data;
      const visitorsByArm = Object.fromEntries(results.arms.map((arm: { key: string; visitors: number }) => [arm.key, arm.visitors]));
      expect(visitorsByArm.control + visitorsByArm['popular-v1']).toBe(12);
      const converted = results.arms.reduce((sum: number, arm: { goals: { primary: { conversions: number } } }) => sum + arm.goals.primary.conversions, 0);
      expect(converted).toBe(1);
    } finally {
      await admin('post', `/experiments/${id}/stop`).send({}).expect(200);
    }
  });

  it('serves "popular in your segment" before popular everywhere', async () => {
    const token = await adminToken(app, { email: 'recommendations-segments@example.com' });
    await request(app.server)
      .post('/personalization/segments')
      .set('Authorization', `Bearer ${token}`)
      .send({ name: 'Club', slug: 'club', rules: { fact: 'events.Joined Club', op: 'gte', value: 1 } })
      .expect(201);
    // Club members watch Delicatessen; nobody else does.
    for (let index = 0; index < 3; index++) await send(visitorId(), [trackEvent('Joined Club'), view(m[5])]);
    await flushWrites();
    const member = visitorId();
    await send(member, [trackEvent('Joined Club')]);
    const { body } = await recommendations(`contentType=${MOVIE}&limit=3&strategy=popular-v1`, member).expect(200);
    expect(body.data[0].title).toBe('Delicatessen');
    const anyone = await recommendations(`contentType=${MOVIE}&limit=3&strategy=popular-v1`).expect(200);
    expect(anyone.body.data[0].title).toBe('Alien');
  });

  it('erasing a visitor removes its engagement history', async () => {
    const visitor = visitorId();
    await send(visitor, [view(m[0]), view(m[1])]);
    await flushWrites();
    const before = await redisContents(redis.client);
    expect(before).toContain(visitor);
    await request(app.server).delete('/api/personalization/profile').set('X-Visitor-Token', credentialFor(app, visitor)).expect(200);
    expect(await redisContents(redis.client)).not.toContain(visitor);
  });

  it('needs the find permission of the content type itself', async () => {
    const publicRole = await app.strapi.db.query('plugin::users-permissions.role').findOne({ where: { type: 'public' } });
    const permission = await app.strapi.db.query('plugin::users-permissions.permission').findOne({ where: { role: publicRole.id, action: `${MOVIE}.find` } });
    await app.strapi.db.query('plugin::users-permissions.permission').delete({ where: { id: permission.id } });
    try {
      const { body } = await recommendations(`contentType=${MOVIE}`).expect(403);
      expect(body.error.message).toContain(MOVIE);
    } finally {
      await app.strapi.db.query('plugin::users-permissions.permission').create({ data: { action: `${MOVIE}.find`, role: publicRole.id } });
    }
  });
});
