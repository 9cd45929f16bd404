import request from 'supertest';
import { adminToken } from '../helpers/admin';
import { BROWSER_UA, credentialFor, MOBILE_UA, pageEvent, trackEvent, visitorId } from '../helpers/events';
import { startRedis, type PrivateRedis } from '../helpers/redis-server';
import { startTestApp, type TestApp } from '../helpers/strapi-app';

interface Overview {
  status: { state: string; phase?: string };
  current: { documentId: string; model: { k: number; ids: string[]; sizes: number[]; descriptions: string[]; population: number; scores: { k: number; silhouette: number; inertia: number }[] }; report: { drift: unknown; disappeared: string[]; appeared: string[] } } | null;
  live: { profiles: number; drift: { feature: string; psi: number }[] } | null;
  runs: { status: string; reason: string }[];
}

/**
 * Clustering end to end on a real Redis: three planted behaviours sent through ingest, a run
 * started from the admin API, every profile assigned, stable ids on a re-run, a cluster turned into
 * a segment, and new visitors put in their cluster by ingest itself.
 */
describe('clusters', () => {
  let redis: PrivateRedis;
  let app: TestApp;
  let token: string;
  const groups: Record<'video' | 'readers' | 'shoppers', string[]> = { video: [], readers: [], shoppers: [] };

  const send = (id: string, events: object[], userAgent = BROWSER_UA) =>
    request(app.server).post('/api/personalization/events').set('User-Agent', userAgent).send({ anonymousId: id, events }).expect(202);
  const admin = (method: 'get' | 'post', path: string) => request(app.server)[method](`/personalization${path}`).set('Authorization', `Bearer ${token}`);
  const behave = {
    video: (id: string) => send(id, Array.from({ length: 6 }, () => trackEvent('Video Playback Started', { category: 'video', action: 'play' })), MOBILE_UA),
    readers: (id: string) =>
      send(id, [
        ...Array.from({ length: 8 }, () => pageEvent({ properties: { topic: 'Sci-Fi' } })),
        trackEvent('Dwell Time', { properties: { seconds: 400 } }),
        trackEvent('Scroll Depth', { properties: { depth: 100, previous: 75 } }),
      ]),
    shoppers: (id: string) => send(id, [pageEvent({ properties: { topic: 'Shop' } }), ...Array.from({ length: 4 }, () => trackEvent('Product Added')), trackEvent('Order Completed')]),
  };
  const clusterOf = async (id: string) => {
    const { body } = await request(app.server).get('/api/personalization/profile').set('X-Visitor-Token', credentialFor(app, id)).expect(200);
    return body.data.profile?.cluster ?? null;
  };
  const runAndWait = async () => {
    const started = await admin('post', '/clusters/run').expect(202);
    expect(started.body.data.started).toBe(true);
    await app.strapi.plugin('personalization').service('clusters').idle();
    return (await admin('get', '/clusters').expect(200)).body.data as Overview;
  };

  beforeAll(async () => {
    redis = await startRedis();
    app = await startTestApp({ redisUrl: redis.url, pluginConfig: { clusters: { kMax: 6 } } });
    token = await adminToken(app, { email: 'clusters-admin@example.com' });
    for (const group of Object.keys(groups) as (keyof typeof groups)[]) {
      for (let index = 0; index < 60; index++) {
        const id = visitorId();
        groups[group].push(id);
        await behave[group](id);
      }
    }
  }, 120_000);

  afterAll(async () => {
    await app?.stop();
    await redis?.stop();
  });

  let first: Overview;
  it('finds the three planted behaviours, assigns every profile, and says what each cluster is', async () => {
    first = await runAndWait();
    expect(first.status.state).toBe('done');
    const model = first.current!.model;
    expect(model.k).toBe(3);
    expect(model.population).toBe(180);
    expect(model.sizes.reduce((sum, size) => sum + size, 0)).toBe(180);
    // Three distinct behaviours: k stops where the distinct profiles run out, and 3 scores best.
    expect(model.scores[0].k).toBe(3);
    const ids = new Set<string>();
    for (const members of Object.values(groups)) {
      const clusters = new Set<string>();
      for (const member of members) clusters.add(await clusterOf(member));
      expect(clusters.size).toBe(1);
      ids.add([...clusters][0]);
    }
    expect(ids.size).toBe(3);
    expect(model.descriptions.some((description) => /video/i.test(description))).toBe(true);
  });

  it('puts a new visitor in its cluster at ingest, without waiting for the next run', async () => {
    const newcomer = visitorId();
    await behave.video(newcomer);
    expect(await clusterOf(newcomer)).toBe(await clusterOf(groups.video[0]));
  });

  it('keeps cluster ids across runs for the same people', async () => {
    const before = await Promise.all(Object.values(groups).map((members) => clusterOf(members[0])));
    const second = await runAndWait();
    expect(second.current!.documentId).not.toBe(first.current!.documentId);
    expect(second.current!.report.disappeared).toEqual([]);
    expect(second.current!.report.drift).not.toBeNull();
    expect(await Promise.all(Object.values(groups).map((members) => clusterOf(members[0])))).toEqual(before);
  });

  it('turns a cluster into a segment in one call, with the cluster\'s members', async () => {
    const videoCluster = await clusterOf(groups.video[0]);
    const created = await admin('post', `/clusters/${videoCluster}/segment`).send({ name: 'Video lovers' }).expect(201);
    expect(created.body.data).toMatchObject({ slug: videoCluster, kind: 'cluster', name: 'Video lovers' });
    await admin('post', `/clusters/${videoCluster}/segment`).send({}).expect(400);
    await admin('post', '/clusters/c999/segment').send({}).expect(404);
    const { body } = await request(app.server).get('/api/personalization/profile').set('X-Visitor-Token', credentialFor(app, groups.video[1])).expect(200);
    // Membership follows on the visitor's next batch (or the background re-evaluation).
    await behave.video(groups.video[1]);
    const after = await request(app.server).get('/api/personalization/profile').set('X-Visitor-Token', credentialFor(app, groups.video[1])).expect(200);
    expect(after.body.data.segments).toContain(videoCluster);
    expect(body.data.segments).toBeDefined();
  });

  it('needs the clusters permissions', async () => {
    await request(app.server).get('/personalization/clusters').expect(401);
  });
});
