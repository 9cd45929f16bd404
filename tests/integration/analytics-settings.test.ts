import request from 'supertest';
import { adminToken } from '../helpers/admin';
import { BROWSER_UA, credentialFor, pageEvent, trackEvent } from '../helpers/events';
import { startRedis, type PrivateRedis } from '../helpers/redis-server';
import { startTestApp, type TestApp } from '../helpers/strapi-app';

describe('analytics and settings (admin API)', () => {
  let redis: PrivateRedis;
  let app: TestApp;
  let token: string;

  beforeAll(async () => {
    redis = await startRedis();
    app = await startTestApp({ redisUrl: redis.url, pluginConfig: { resolve: { timeoutMs: 1000 } } });
    token = await adminToken(app, { email: 'analytics-admin@example.com' });
  });

  afterAll(async () => {
    await app?.stop();
    await redis?.stop();
  });

  const admin = (path: string) => request(app.server).get(`/personalization${path}`).set('Authorization', `Bearer ${token}`);
  const send = (visitor: string, events: object[]) =>
    request(app.server).post('/api/personalization/events').set('User-Agent', BROWSER_UA).send({ anonymousId: visitor, events }).expect(202);

  it('counts events per type, active visitors, served variants and their clicks', async () => {
    await request(app.server).post('/personalization/segments').set('Authorization', `Bearer ${token}`).send({ name: 'Readers', slug: 'readers', rules: { fact: 'pageviews', op: 'gte', value: 1 } }).expect(201);
    const article = await app.strapi.documents('api::article.article').create({ data: { title: 'A', cta: 'Base' }, locale: 'en', status: 'published' } as never);
    const variant = await request(app.server)
      .post('/personalization/variants')
      .set('Authorization', `Bearer ${token}`)
      .send({ contentType: 'api::article.article', documentId: article.documentId, locale: 'en', segment: 'readers', label: 'Readers CTA', fields: { cta: 'For readers' } })
      .expect(201);
    for (const visitor of ['analytics-a', 'analytics-b', 'analytics-c']) {
      await send(visitor, [pageEvent({ properties: { topic: 'Cinema' } }), trackEvent('Signup', { category: 'account' })]);
      await request(app.server).get(`/api/articles/${article.documentId}`).set('X-Visitor-Token', credentialFor(app, visitor)).expect(200);
    }
    await send('analytics-a', [trackEvent('CTA Clicked', { category: 'cta', properties: { variant: variant.body.data.id } })]);
    // A click naming no live variant adds no counter (any string would otherwise grow the day's hash).
    await send('analytics-c', [trackEvent('CTA Clicked', { category: 'cta', properties: { variant: 'not-a-variant-anyone-served' } })]);
    await send('analytics-b', [{ type: 'identify', traits: { plan: 'pro' } }]);

    const response = await admin('/analytics').expect(200);
    const today = response.body.data.days[response.body.data.days.length - 1];
    expect(response.body.data.days).toHaveLength(30);
    expect(today).toMatchObject({ events: { page: 3, screen: 0, track: 5, identify: 1, alias: 0, group: 0 }, activeVisitors: 3 });
    expect(response.body.data.variants).toEqual([
      expect.objectContaining({ id: variant.body.data.id, label: 'Readers CTA', entryTitle: 'A', segment: 'readers', served: 3, clicks: 1, clickThrough: 0.3333 }),
    ]);
    const stored = await redis.client.hgetall(`psn:stats:${Math.floor(Date.now() / 86_400_000)}`);
    expect(Object.keys(stored).filter((name) => name.startsWith('clicked:'))).toEqual([`clicked:${variant.body.data.id}`]);
    // Before any periodic pass has recorded a size, today's is the size now: the chart is not empty.
    expect(response.body.data.segments).toEqual([
      expect.objectContaining({ slug: 'readers', current: 3, sizes: [{ date: new Date().toISOString().slice(0, 10), size: 3 }] }),
    ]);
    const list = await admin('/segments').expect(200);
    expect(list.body.data[0].trend).toEqual([{ date: new Date().toISOString().slice(0, 10), size: 3 }]);

    const facts = await admin('/segments/facts').expect(200);
    expect(facts.body.data.seen).toMatchObject({ events: ['CTA Clicked', 'Signup'], categories: ['account', 'cta'], topics: ['Cinema'], traits: ['plan'] });
  });

  it('validates the date range', async () => {
    const response = await admin('/analytics?from=2026-02-01&to=2026-01-01').expect(400);
    expect(response.body.error.message).toContain('from: must not be after "to"');
    await admin('/analytics?from=yesterday').expect(400);
    await admin('/analytics?from=2025-01-01&to=2026-01-01').expect(400);
  });

  it('shows the settings, the store and the tracker snippet', async () => {
    const response = await admin('/settings').expect(200);
    expect(response.body.data).toMatchObject({
      consent: { mode: 'opt-out' },
      retentionDays: 180,
      store: { kind: 'redis', status: 'ok', connected: true },
      trackerSnippet: expect.stringMatching(/^<script src="http:\/\/127\.0\.0\.1:\d+\/api\/personalization\/tracker\.js" data-endpoint="http:\/\/127\.0\.0\.1:\d+\/api\/personalization" async><\/script>$/),
    });
  });

  it('needs the analytics and settings permissions', async () => {
    const author = await adminToken(app, { email: 'analytics-author@example.com', roleCode: 'strapi-author' });
    await request(app.server).get('/personalization/analytics').set('Authorization', `Bearer ${author}`).expect(403);
    await request(app.server).get('/personalization/settings').set('Authorization', `Bearer ${author}`).expect(403);
  });
});
