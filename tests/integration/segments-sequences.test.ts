import request from 'supertest';
import { adminToken } from '../helpers/admin';
import { BROWSER_UA, credentialFor, isoAgo, pageEvent, trackEvent, visitorId } from '../helpers/events';
import { startRedis, type PrivateRedis } from '../helpers/redis-server';
import { startTestApp, type TestApp } from '../helpers/strapi-app';

const HOUR = 3600;

/**
 * Sequence rules (issue 16) end to end: segments saved through the admin API, events through the
 * real ingest endpoint, the steps recorded on the profile in Redis, membership in the ingest answer.
 */
describe('segments with sequence rules', () => {
  let redis: PrivateRedis;
  let app: TestApp;
  let token: string;

  beforeAll(async () => {
    redis = await startRedis();
    // A session ends after 30 minutes without events.
    app = await startTestApp({ redisUrl: redis.url, pluginConfig: { ingest: { perIpPerMinute: 100_000 }, session: { inactivityMinutes: 30 } } });
    token = await adminToken(app, { email: 'sequences-admin@example.com' });
    const steps = [{ page: 'Pricing' }, { page: 'Docs' }, { event: 'Signup Started' }];
    for (const [slug, within] of [
      ['signup-in-session', 'session'],
      ['signup-within-day', '1d'],
    ]) {
      await admin().post('/segments', { name: slug, slug, rules: { all: [{ sequence: steps, within }] } }).expect(201);
    }
    await app.strapi.plugin('personalization').service('reevaluation').idle();
  });

  afterAll(async () => {
    await app?.stop();
    await redis?.stop();
  });

  const admin = () => ({
    post: (path: string, body?: object) =>
      request(app.server).post(`/personalization${path}`).set('Authorization', `Bearer ${token}`).send(body ?? {}),
  });
  /** The visitor's segments after the batch, from the ingest answer (with the visitor's credential). */
  const send = async (id: string, events: object[]): Promise<string[]> => {
    const response = await request(app.server).post('/api/personalization/events').set('User-Agent', BROWSER_UA).send({ visitorToken: credentialFor(app, id), events }).expect(202);
    return [...response.body.data.segments].sort();
  };
  const page = (name: string, secondsAgo: number) => pageEvent({ name, timestamp: isoAgo(secondsAgo) });

  it('takes in a visitor who viewed Pricing, then Docs, then started Signup in one session', async () => {
    const segments = await send(visitorId(), [page('Pricing', 900), page('Home', 700), page('Docs', 600), trackEvent('Signup Started', { timestamp: isoAgo(60) })]);
    expect(segments).toEqual(['signup-in-session', 'signup-within-day']);
  });

  it('remembers the steps between batches: the last step alone, later, completes the sequence', async () => {
    const id = visitorId();
    expect(await send(id, [page('Pricing', 900), page('Docs', 600)])).toEqual([]);
    expect(await send(id, [trackEvent('Signup Started', { timestamp: isoAgo(60) })])).toEqual(['signup-in-session', 'signup-within-day']);
  });

  it('leaves out the wrong order', async () => {
    expect(await send(visitorId(), [page('Docs', 900), page('Pricing', 600), trackEvent('Signup Started', { timestamp: isoAgo(60) })])).toEqual([]);
  });

  it('tells one session from one day: a pause longer than the session gap breaks the session only', async () => {
    const segments = await send(visitorId(), [page('Pricing', 3 * HOUR), page('Docs', 2 * HOUR), trackEvent('Signup Started', { timestamp: isoAgo(2 * HOUR - 300) })]);
    expect(segments).toEqual(['signup-within-day']);
  });

  it('leaves out steps further apart than the span', async () => {
    expect(await send(visitorId(), [page('Pricing', 30 * HOUR), page('Docs', 60), trackEvent('Signup Started', { timestamp: isoAgo(30) })])).toEqual([]);
  });

  it('refuses a bad sequence with a 400 naming the step and field', async () => {
    const bad = await admin()
      .post('/segments', { name: 'Bad', slug: 'bad', rules: { all: [{ fact: 'pageviews', op: 'gt', value: 1 }, { sequence: [{ page: 'Pricing' }, { page: '' }], within: '1w' }] } })
      .expect(400);
    expect(bad.body.error).toMatchObject({ status: 400, name: 'ValidationError' });
    expect(bad.body.error.message).toContain('rules.all[1].sequence[1].page: expected a non-empty text');
    expect(bad.body.error.message).toContain('rules.all[1].within: expected "session" or a duration from "1m" to "90d"');
  });
});
