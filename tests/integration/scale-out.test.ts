/**
 * Scale-out as it is deployed: two Strapi instances (one in this process, one a separate process)
 * on one PostgreSQL and a 3-master Redis Cluster, requests alternating between them as a load
 * balancer without sticky sessions would send them. Every per-visitor operation must stay inside one
 * hash slot; on a real cluster a script or transaction that spans two slots fails (CROSSSLOT), so
 * each operation run here is that check.
 */
import request from 'supertest';
import clusterKeySlot from 'cluster-key-slot';
import { adminToken } from '../helpers/admin';
import { BROWSER_UA, credentialFor, IDENTITY_SECRET, pageEvent, trackEvent, userHashOf } from '../helpers/events';
import { startReceiver, type Receiver } from '../helpers/http-receiver';
import { startPostgres, type PrivatePostgres } from '../helpers/postgres-server';
import { startRedisCluster, type PrivateRedisCluster } from '../helpers/redis-cluster';
import { startAppProcess, type AppProcess } from '../helpers/strapi-process';
import { startTestApp, type TestApp } from '../helpers/strapi-app';
import { ERASURE_SWEEP_MS } from '../../server/src/identity/erasure-sweeps';
import { sleep, waitFor } from '../helpers/wait-for';

/**
 * How soon an edit made through one instance is in force on the other: the change counters are
 * polled every 2 s and a reload follows; the rest is room for a loaded machine.
 */
const BOUND_MS = 6_000;

describe('two instances on PostgreSQL and a Redis Cluster', () => {
  let cluster: PrivateRedisCluster;
  let postgres: PrivatePostgres;
  let first: TestApp;
  let second: AppProcess;
  let firstUrl: string;
  let token: string;
  let receiver: Receiver;

  beforeAll(async () => {
    [cluster, postgres, receiver] = await Promise.all([startRedisCluster({ masters: 3 }), startPostgres(), startReceiver()]);
    const pluginConfig = {
      redis: { cluster: cluster.nodes },
      identity: { secret: IDENTITY_SECRET },
      // What is served is checked here, not how fast: a loaded test machine must not see degraded reads.
      resolve: { timeoutMs: 1_000 },
      triggers: { destinations: [{ name: 'crm', url: receiver.url, secret: 'scale-out-destination-secret' }], pollMs: 100 },
    };
    // One after the other: the first boot creates the schema in the empty database.
    first = await startTestApp({ pluginConfig, databaseEnv: postgres.env });
    firstUrl = await first.listen();
    second = await startAppProcess({ pluginConfig, databaseEnv: postgres.env });
    token = await adminToken(first, { email: 'scale-out@example.com' });
  }, 180_000);

  afterAll(async () => {
    await second?.stop();
    await first?.stop();
    await Promise.all([cluster?.stop(), postgres?.stop(), receiver?.stop()]);
  });

  /** The two instances, alternately, as a round-robin load balancer would pick them. */
  let turn = 0;
  const nextInstance = () => [firstUrl, second.url][turn++ % 2];

  // eslint-disable-next-line @typescript-eslint/no-explicit-any
  type Json = any;
  /** A public request to one instance, with the visitor's credential when given. */
  const call = async (url: string, path: string, { method = 'GET', visitor, body }: { method?: string; visitor?: string; body?: unknown } = {}) => {
    const headers: Record<string, string> = { 'user-agent': BROWSER_UA };
    if (body !== undefined) headers['content-type'] = 'application/json';
    if (visitor) headers['x-visitor-token'] = credentialFor(first, visitor);
    const answer = await fetch(`${url}${path}`, { method, headers, body: body === undefined ? undefined : JSON.stringify(body) });
    const text = await answer.text();
    return { status: answer.status, body: (text ? JSON.parse(text) : null) as Json };
  };
  const postEvents = (url: string, visitor: string, events: unknown[], extra: Record<string, unknown> = {}) =>
    call(url, '/api/personalization/events', { method: 'POST', body: { visitorToken: credentialFor(first, visitor), events, ...extra } });
  const admin = (method: 'get' | 'post' | 'put' | 'delete', route: string) =>
    request(first.server)[method](`/personalization${route}`).set('Authorization', `Bearer ${token}`);
  /** Every key on any master whose name holds `fragment`. */
  const keysHolding = async (fragment: string): Promise<string[]> => {
    const found: string[] = [];
    for (const master of cluster.masters) {
      let cursor = '0';
      do {
        const [next, keys] = await master.client.scan(cursor, 'MATCH', `*${fragment}*`, 'COUNT', 1000);
        cursor = next;
        found.push(...keys);
      } while (cursor !== '0');
    }
    return found;
  };
  /** Today's events by type, as the admin's analytics reports them. */
  const analyticsToday = async (): Promise<Record<string, number>> => {
    const { body } = await admin('get', '/analytics').expect(200);
    return body.data.days[body.data.days.length - 1].events;
  };
  /** Polls `url` on an instance until `done` holds; fails after BOUND_MS. */
  const within = async (what: string, probe: () => Promise<{ status: number; body: Json }>, done: (body: Json) => boolean) => {
    const started = Date.now();
    for (;;) {
      const { body } = await probe();
      if (done(body)) return Date.now() - started;
      if (Date.now() - started > BOUND_MS) throw new Error(`${what}: not so after ${BOUND_MS} ms: ${JSON.stringify(body).slice(0, 300)}`);
      await sleep(100);
    }
  };

  it('keeps a visitor on one node: events through either instance build one profile', async () => {
    const visitor = 'scale-out-visitor-1';
    for (let index = 0; index < 6; index += 1) {
      const { status } = await postEvents(nextInstance(), visitor, [pageEvent(), trackEvent('Signup', { category: 'account' })]);
      expect(status).toBe(202);
    }
    const profileKey = `psn:{v:${visitor}}:p`;
    expect(await cluster.client.hget(profileKey, 'pv')).toBe('6');
    // Every key written for the visitor is in the profile's slot, on one master.
    const visitorKeys = await keysHolding(`{v:${visitor}}`);
    expect(visitorKeys.length).toBeGreaterThan(3);
    expect(new Set(visitorKeys.map((key) => clusterKeySlot(key)))).toEqual(new Set([clusterKeySlot(profileKey)]));
  }, 60_000);

  it("runs a visitor's whole life across both instances: segments, variants, experiments, triggers, identity, recommendations, export, erase", async () => {
    const MOVIE = 'api::movie.movie';
    const movies: string[] = [];
    for (const title of ['Solaris', 'Stalker', 'Mirror']) {
      movies.push((await first.strapi.documents(MOVIE).create({ data: { title, topic: 'Drama' }, status: 'published' } as never)).documentId);
    }
    const article = await first.strapi.documents('api::article.article').create({ data: { title: 'Scale', cta: 'Base' }, locale: 'en', status: 'published' } as never);
    const tested = await first.strapi.documents('api::article.article').create({ data: { title: 'Tested', cta: 'Base' }, locale: 'en', status: 'published' } as never);

    // Edited through the first instance's admin API...
    await admin('post', '/segments').send({ name: 'Movie fans', slug: 'movie-fans', rules: { fact: 'pageviews', op: 'gte', value: 2 } }).expect(201);
    await admin('post', '/variants').send({ contentType: 'api::article.article', documentId: article.documentId, locale: 'en', segment: 'movie-fans', fields: { cta: 'For fans' } }).expect(201);
    const experiment = await admin('post', '/experiments')
      .send({ name: 'Scale test', key: 'scale-test', target: { contentType: 'api::article.article', documentId: tested.documentId, locale: 'en' }, arms: [{ key: 'control', weight: 0 }, { key: 'b', weight: 1 }], goals: { primary: { event: 'Signup' } } })
      .expect(201);
    await admin('post', '/variants').send({ contentType: 'api::article.article', documentId: tested.documentId, locale: 'en', experiment: 'scale-test', arm: 'b', fields: { cta: 'Arm b' } }).expect(201);
    await admin('post', `/experiments/${experiment.body.data.documentId}/start`).expect(200);
    await admin('post', '/triggers').send({ name: 'Welcome', slug: 'welcome', condition: { type: 'event', event: 'Signed Up' }, actions: { outbound: { destination: 'crm' } } }).expect(201);

    // ... and in force on the second within the bound.
    const visitor = 'scale-out-life-1';
    await within('the segment on the second instance', () => postEvents(second.url, visitor, [pageEvent({ properties: { contentType: MOVIE, documentId: movies[0] } })]), (body) => body.data.segments?.includes('movie-fans'));
    await within('the variant on the second instance', () => call(second.url, `/api/articles/${article.documentId}`, { visitor }), (body) => body.data.cta === 'For fans');
    await within('the experiment on the second instance', () => call(second.url, `/api/articles/${tested.documentId}`, { visitor }), (body) => body.data.cta === 'Arm b');

    // The visitor's requests alternate: each instance sees what the other wrote.
    for (const documentId of movies.slice(1)) expect((await postEvents(nextInstance(), visitor, [pageEvent({ properties: { contentType: MOVIE, documentId } })])).status).toBe(202);
    expect((await call(nextInstance(), `/api/articles/${tested.documentId}`, { visitor })).body.data.cta).toBe('Arm b');
    expect((await postEvents(nextInstance(), visitor, [trackEvent('Signup'), trackEvent('Signed Up')])).status).toBe(202);
    // Identified on a second device through the other instance: the two visitors merge.
    const before = (await call(nextInstance(), '/api/personalization/profile?export=true', { visitor })).body.data.profile.pageviews;
    const phone = 'scale-out-life-phone';
    const userId = 'scale-out-user-1';
    expect((await postEvents(firstUrl, visitor, [{ type: 'identify' }], { userId, userHash: userHashOf(userId) })).status).toBe(202);
    expect((await postEvents(second.url, phone, [pageEvent(), { type: 'identify' }], { userId, userHash: userHashOf(userId) })).status).toBe(202);
    const recommended = await call(nextInstance(), `/api/personalization/recommendations?contentType=${MOVIE}&for=${movies[0]}&limit=2`);
    expect(recommended.status).toBe(200);

    // The experiment counted the conversion once, whichever instance saw it.
    await within('the conversion in the results', async () => admin('get', `/experiments/${experiment.body.data.documentId}/results`), (body) => body.data.arms.find((arm: Json) => arm.key === 'b')?.visitors === 1);
    await within('the outbound delivery', async () => ({ status: 200, body: receiver.received.filter((received) => received.json.trigger === 'welcome') }), (received) => received.length === 1);

    // The profile, exported through one instance, holds what both wrote (and the merged phone's page).
    const exported = await call(nextInstance(), '/api/personalization/profile?export=true', { visitor });
    expect(exported.status).toBe(200);
    expect(exported.body.data.profile).toMatchObject({ pageviews: before + 1, segments: expect.arrayContaining(['movie-fans']) });

    // Erased through the first instance right after the second took an engagement, which waits in
    // its write buffer (250 ms) and lands after the erase: the erase's second pass removes it.
    // Then nothing of either device is left on any node.
    expect((await postEvents(second.url, visitor, [pageEvent({ properties: { contentType: MOVIE, documentId: movies[2] } })])).status).toBe(202);
    expect((await call(firstUrl, '/api/personalization/profile', { method: 'DELETE', visitor })).status).toBe(200);
    const hashed = first.strapi.plugin('personalization').service('identity').hashUserId(userId);
    const left = async () => [...(await keysHolding(visitor)), ...(await keysHolding(phone)), ...(await keysHolding(hashed))];
    // Past the second pass (the late write may land before or after a first look: look after it).
    await sleep(ERASURE_SWEEP_MS + 500);
    await waitFor('nothing of the erased visitor on any node', async () => ((await left()).length === 0 ? true : undefined));
  }, 120_000);

  it('delivers each trigger firing once, and counts each event once, whichever instance took it', async () => {
    const visitors = Array.from({ length: 20 }, (_, index) => `scale-out-welcome-${index}`);
    const statsBefore = await analyticsToday();
    const answers = await Promise.all(visitors.map((visitor) => postEvents(nextInstance(), visitor, [trackEvent('Signed Up'), pageEvent()])));
    expect(answers.map((answer) => answer.status)).toEqual(visitors.map(() => 202));
    const deliveredTo = () => receiver.received.filter((received) => received.json.trigger === 'welcome' && visitors.includes((received.json.visitor as { id: string }).id));
    await waitFor('20 deliveries', () => (deliveredTo().length >= 20 ? true : undefined), 20_000);
    // Both instances poll the queue every 100 ms: time for a second delivery to show up, if any.
    await sleep(1_500);
    expect(deliveredTo()).toHaveLength(20);
    expect(new Set(deliveredTo().map((received) => received.headers['idempotency-key'])).size).toBe(20);
    // The site counters, flushed by each instance (every 5 s), add up to what both took.
    await waitFor('the site counters of both instances', async () => {
      const stats = await analyticsToday();
      return stats.track - statsBefore.track === 20 && stats.page - statsBefore.page === 20 ? true : undefined;
    }, 20_000);
  }, 60_000);

  it('counts a funnel defined through one instance on both: on a Cluster the caller counts the steps reached, once per batch', async () => {
    const today = new Date().toISOString().slice(0, 10);
    const funnel = (await admin('post', '/funnels').send({ name: 'Scale funnel', window: '1h', steps: [{ page: 'Pricing' }, { event: 'Checkout' }] }).expect(201)).body.data.documentId;
    const reached = async () => ((await admin('get', `/funnels/${funnel}/report?from=${today}&to=${today}`).expect(200)).body.data.steps as Json[]).map((step) => step.reached);
    // In force on the second instance within the bound: a new visitor at each look (each counts once).
    let probes = 0;
    await within(
      'the funnel on the second instance',
      async () => {
        await postEvents(second.url, `scale-out-funnel-probe-${++probes}`, [pageEvent({ name: 'Pricing' })]);
        return { status: 200, body: await reached() };
      },
      (counts) => counts[0] >= 1
    );
    const visitors = Array.from({ length: 10 }, (_, index) => `scale-out-funnel-${index}`);
    const batches = visitors.map((_, index) => [pageEvent({ name: 'Pricing' }), ...(index < 6 ? [trackEvent('Checkout')] : [])]);
    for (const [index, visitor] of visitors.entries()) expect((await postEvents(nextInstance(), visitor, batches[index])).status).toBe(202);
    // Two batches sent again through the other instance: nothing more counts.
    for (const index of [0, 7]) expect((await postEvents(nextInstance(), visitors[index], batches[index])).status).toBe(202);
    const counts = await waitFor('the funnel counts of both instances', async () => {
      const current = await reached();
      return current[1] === 6 && current[0] >= 11 ? current : undefined;
    }, 20_000);
    expect(counts[0] - 10).toBeLessThanOrEqual(probes);
  }, 60_000);
});
