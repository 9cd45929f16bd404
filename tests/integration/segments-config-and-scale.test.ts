import fs from 'fs';
import os from 'os';
import path from 'path';
import request from 'supertest';
import { adminToken } from '../helpers/admin';
import { startRedis, type PrivateRedis } from '../helpers/redis-server';
import { startTestApp, type TestApp } from '../helpers/strapi-app';

const videoFans = (threshold: number) => ({
  slug: 'video-fans',
  name: 'Video fans',
  rules: { fact: 'category.video', op: 'gte', value: threshold },
  priority: 5,
});

describe('segments as code', () => {
  let redis: PrivateRedis;
  let dir: string;

  beforeAll(async () => {
    redis = await startRedis();
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'psn-config-'));
  });

  afterAll(async () => {
    await redis?.stop();
    fs.rmSync(dir, { recursive: true, force: true });
  });

  const boot = (segments: unknown[]) =>
    startTestApp({ redisUrl: redis.url, databaseFile: path.join(dir, 'data.db'), pluginConfig: { segments } });

  it('syncs config segments at boot, read-only in the admin API; config wins on the next boot', async () => {
    let app: TestApp = await boot([videoFans(2), { slug: 'french', name: 'French speakers', rules: { fact: 'locale', op: 'startsWith', value: 'fr' } }]);
    try {
      const token = await adminToken(app, { email: 'config-admin@example.com' });
      const admin = (method: 'get' | 'put' | 'delete' | 'post', url: string) =>
        request(app.server)[method](`/personalization${url}`).set('Authorization', `Bearer ${token}`);
      const list = await admin('get', '/segments').expect(200);
      expect(list.body.data.map((segment: { slug: string; source: string; readOnly: boolean }) => [segment.slug, segment.source, segment.readOnly])).toEqual([
        ['video-fans', 'config', true],
        ['french', 'config', true],
      ]);
      const id = list.body.data[0].documentId;
      const refused = await admin('put', `/segments/${id}`).send({ name: 'Renamed' }).expect(403);
      expect(refused.body.error.message).toBe('segment "video-fans" is declared in config/plugins.ts; change it there');
      await admin('delete', `/segments/${id}`).expect(403);
      // An editor's segment whose slug the next config also declares.
      await admin('post', '/segments').send({ slug: 'mine', name: 'Mine', rules: { all: [] } }).expect(201);
    } finally {
      await app.stop();
    }

    app = await boot([videoFans(5), { slug: 'mine', name: 'Mine, now in code', rules: { fact: 'pageviews', op: 'gt', value: 0 } }]);
    try {
      const token = await adminToken(app, { email: 'config-admin@example.com' });
      const list = await request(app.server).get('/personalization/segments').set('Authorization', `Bearer ${token}`).expect(200);
      expect(list.body.data.map((segment: { slug: string; source: string; name: string; rules: unknown }) => [segment.slug, segment.source, segment.name, segment.rules])).toEqual([
        ['video-fans', 'config', 'Video fans', { fact: 'category.video', op: 'gte', value: 5 }],
        ['mine', 'config', 'Mine, now in code', { fact: 'pageviews', op: 'gt', value: 0 }],
      ]);
    } finally {
      await app.stop();
    }
  });

  it('refuses to boot with a bad config segment, naming the path', async () => {
    await expect(boot([{ slug: 'broken', name: 'Broken', rules: { all: [{ fact: 'pageviews', op: 'greater', value: 1 }] } }])).rejects.toThrow(
      'Error regarding personalization config: segments[0].rules.all[0].op: unknown operator "greater"'
    );
    await expect(boot([videoFans(1), videoFans(2)])).rejects.toThrow('segments[1].slug: duplicate slug "video-fans"');
  });
});

describe('re-evaluation at scale', () => {
  let redis: PrivateRedis;
  let app: TestApp;

  beforeAll(async () => {
    redis = await startRedis();
    app = await startTestApp({ redisUrl: redis.url, pluginConfig: { segmentJobs: { batchSize: 500 } } });
  });

  afterAll(async () => {
    await app?.stop();
    await redis?.stop();
  });

  it('re-evaluates 10,000 stored profiles after a segment is added, without holding up requests', async () => {
    const plugin = app.strapi.plugin('personalization');
    const store = plugin.service('store').profiles();
    const settings = {
      sessionGapSec: 1800,
      affinityHalfLifeSec: 14 * 86_400,
      recentCap: 10,
      journeySteps: 16,
      retentionSec: 86_400,
      windowDays: 90,
      maxFields: 120,
      maxWindowBuckets: 1_000,
      maxTraits: 50,
      eventQuota: { limit: 1_000, windowSec: 60 },
      hourlyCounters: [],
    };
    const now = Math.floor(Date.now() / 1000);
    // Profile i has i % 5 page views: 0, 1, 2, 3, 4. A hundred at a time: each write's command timeout
    // (1 s) runs from when it is sent, and with 500 sent at once one full run got a 503 while seeding
    // (the machine loaded, or this process paused, for a second): smaller bursts leave more margin.
    for (let start = 0; start < 10_000; start += 100) {
      await Promise.all(
        Array.from({ length: 100 }, (_, offset) => start + offset).map((i) =>
          store.applyUpdates(`scale-visitor-${i}`, [{ ts: now - 60, incr: { pv: i % 5, 'e:Seen': 1 } }], settings, now)
        )
      );
    }
    await plugin.service('reevaluation').idle();

    const token = await adminToken(app, { email: 'scale-admin@example.com' });
    const created = await request(app.server)
      .post('/personalization/segments')
      .set('Authorization', `Bearer ${token}`)
      .send({ slug: 'three-pages', name: 'Three pages or more', rules: { fact: 'pageviews', op: 'gte', value: 3 } })
      .expect(201);

    // The job runs in the background: requests are answered meanwhile.
    const during = await request(app.server).get('/api/personalization/health').expect(200);
    expect(during.body.data.status).toBe('ok');

    await plugin.service('reevaluation').idle();
    const status = await request(app.server).get('/personalization/segments/reevaluation').set('Authorization', `Bearer ${token}`).expect(200);
    expect(status.body.data).toMatchObject({ state: 'done', scanned: 10_000, changed: 4_000 });
    const segment = await request(app.server).get(`/personalization/segments/${created.body.data.documentId}`).set('Authorization', `Bearer ${token}`).expect(200);
    expect(segment.body.data.size).toBe(4_000);
    expect(JSON.parse((await redis.client.get('psn:{v:scale-visitor-4}:s')) ?? '[]')).toEqual(['three-pages']);
    expect(await redis.client.get('psn:{v:scale-visitor-2}:s')).toBeNull();
  });

  it('prunes nothing when a pass is stopped mid-scan (shutdown), and says it stopped', async () => {
    const reevaluation = app.strapi.plugin('personalization').service('reevaluation');
    const members = () => redis.client.zcard('psn:seg:three-pages:members');
    expect(await members()).toBe(4_000);
    reevaluation.start('a pass cut short');
    // The shutdown path: the pass ends after the page it is on, of twenty.
    await reevaluation.stop();
    const status = await reevaluation.status();
    expect(status).toMatchObject({ state: 'stopped', reason: 'a pass cut short' });
    expect(status.scanned).toBeLessThan(10_000);
    expect(await members()).toBe(4_000);
  });
});
