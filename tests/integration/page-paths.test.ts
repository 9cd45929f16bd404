/**
 * Page paths (issue 16) through the real ingest endpoint of a booted Strapi with a private
 * redis-server: transitions from a named page to the visitor's next step, across batches (the step
 * record's head) and within one; shares at the admin endpoint, two levels deep; a retried batch
 * counts nothing twice; erasing a visitor leaves no trace of them (the counts name no one).
 */
import request from 'supertest';
import { adminToken } from '../helpers/admin';
import { BROWSER_UA, IDENTITY_SECRET, isoAgo, pageEvent, trackEvent } from '../helpers/events';
import { redisContents } from '../helpers/redis-contents';
import { startRedis, type PrivateRedis } from '../helpers/redis-server';
import { startTestApp, type TestApp } from '../helpers/strapi-app';

describe('page paths', () => {
  let redis: PrivateRedis;
  let app: TestApp;
  let token: string;

  beforeAll(async () => {
    redis = await startRedis();
    app = await startTestApp({ redisUrl: redis.url, pluginConfig: { identity: { secret: IDENTITY_SECRET } } });
    token = await adminToken(app, { email: 'page-paths@example.com' });
  });

  afterAll(async () => {
    await app?.stop();
    await redis?.stop();
  });

  const post = (body: unknown) => request(app.server).post('/api/personalization/events').set('User-Agent', BROWSER_UA).send(body as object);
  const newBrowser = async (events: unknown[]) => {
    const response = await post({ events }).expect(202);
    return { visitorId: response.body.data.visitorId as string, token: response.body.data.visitorToken as string };
  };
  /** Page paths are written off the request path: wait for the writes under way. */
  const flushWrites = () => app.strapi.plugin('personalization').service('recommendations').flush();
  const paths = (query: string) => request(app.server).get(`/personalization/paths?${query}`).set('Authorization', `Bearer ${token}`);
  const page = (name: string, secondsAgo: number) => pageEvent({ name, timestamp: isoAgo(secondsAgo) });

  it('counts where visitors went next from a page, across batches and within one, and answers shares two levels deep', async () => {
    // Three visitors go Pricing -> Docs (one of them in two batches), one Pricing -> Signup Started.
    await newBrowser([page('Pricing', 300), page('Docs', 290), trackEvent('Search Used', { timestamp: isoAgo(280) })]);
    await newBrowser([page('Pricing', 300), page('Docs', 250)]);
    const split = await newBrowser([page('Pricing', 300)]);
    await post({ visitorToken: split.token, events: [page('Docs', 200)] }).expect(202);
    const signup = [page('Pricing', 300), trackEvent('Signup Started', { timestamp: isoAgo(240) })];
    const signer = await newBrowser(signup);
    // The same batch sent again (its answer lost): duplicates, counted once.
    const again = await post({ visitorToken: signer.token, events: signup }).expect(202);
    expect(again.body.data).toMatchObject({ accepted: 0, duplicates: 2 });
    // Beyond the session gap (30 minutes): not a step from Pricing.
    await newBrowser([page('Pricing', 7_200), page('Docs', 60)]);
    await flushWrites();

    const { body } = await paths('page=Pricing').expect(200);
    expect(body.data.kind).toBe('pages');
    expect(body.data.from).toBe('Pricing');
    expect(body.data.steps).toEqual([
      { label: 'page:Docs', share: expect.closeTo(3 / 4, 3), next: [{ label: 'event:Search Used', share: 1 }] },
      { label: 'event:Signup Started', share: expect.closeTo(1 / 4, 3), next: [] },
    ]);
    const starts = await paths('').expect(200);
    expect(starts.body.data).toEqual({ kind: 'pages', from: null, starts: ['Pricing', 'Docs'], steps: [] });
    expect((await paths('page=Nowhere').expect(200)).body.data.steps).toEqual([]);
  });

  it('refuses a query that mixes entry and page paths, and answers only the admin', async () => {
    const mixed = await paths('contentType=api::movie.movie&page=Pricing').expect(400);
    expect(mixed.body.error.details.errors[0].path).toEqual(['page']);
    await paths('documentId=abc').expect(400);
    await paths(`page=${'x'.repeat(201)}`).expect(400);
    await request(app.server).get('/personalization/paths?page=Pricing').expect(401);
  });

  it('erases a visitor without a trace: the page path counts name pages and events, no visitor', async () => {
    const browser = await newBrowser([page('Pricing', 100), page('Contact', 90)]);
    await flushWrites();
    expect((await paths('page=Pricing').expect(200)).body.data.steps.map((step: { label: string }) => step.label)).toContain('page:Contact');
    await request(app.server).delete('/api/personalization/profile').set('X-Visitor-Token', browser.token).expect(200);
    expect(await redisContents(redis.client)).not.toContain(browser.visitorId);
    const pathKeys = await redis.client.keys('psn:{pp}:*');
    expect(pathKeys.length).toBeGreaterThan(0);
    for (const key of pathKeys) expect(key).not.toContain(browser.visitorId);
  });
});
