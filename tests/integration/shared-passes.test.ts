/**
 * Background re-evaluation shared by two instances on one Redis: both take partitions of one pass,
 * and the result is what the rules say of every profile (what a single instance's pass gives); a
 * scheduled pass then reads only the profiles time can have changed, and prunes nobody it skipped.
 */
import fs from 'fs';
import os from 'os';
import path from 'path';
import request from 'supertest';
import { adminToken } from '../helpers/admin';
import { startRedis, type PrivateRedis } from '../helpers/redis-server';
import { startAppProcess, type AppProcess } from '../helpers/strapi-process';
import { defaultUpdateSettings } from '../helpers/update-settings';
import { startTestApp, type TestApp } from '../helpers/strapi-app';

const DAY = 86_400;
const VISITORS = 3_000;
/** Small batches, so that a few thousand profiles make several partitions (64 batches' worth of keys each). */
const pluginConfig = { segmentJobs: { batchSize: 10 } };

describe('re-evaluation passes shared by two instances', () => {
  let redis: PrivateRedis;
  let first: TestApp;
  let second: AppProcess;
  let token: string;
  const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'psn-passes-'));
  const now = Math.floor(Date.now() / 1000);
  /** Visitor i has i % 5 page views; even ones were here a minute ago, odd ones 30 days ago. */
  const recent = (i: number) => i % 2 === 0;
  const active = (i: number) => recent(i) && i % 5 > 0;
  /** A segment time cannot change: its members seen 30 days ago are skipped by a scheduled pass, yet stay. */
  const heavy = (i: number) => i % 5 >= 3;
  const expectedSegments = (i: number) => [...(active(i) ? ['active-readers'] : []), ...(heavy(i) ? ['heavy'] : [])];
  const visitors = Array.from({ length: VISITORS }, (_, i) => i);
  const activeMembers = visitors.filter(active).length;
  const heavyMembers = visitors.filter(heavy).length;

  beforeAll(async () => {
    redis = await startRedis();
    const databaseFile = path.join(tmp, 'shared.db');
    first = await startTestApp({ redisUrl: redis.url, databaseFile, pluginConfig });
    second = await startAppProcess({ redisUrl: redis.url, databaseFile, pluginConfig });
    token = await adminToken(first, { email: 'passes@example.com' });
    const since = Date.now();
    await request(first.server)
      .post('/personalization/segments')
      .set('Authorization', `Bearer ${token}`)
      .send({ slug: 'heavy', name: 'Heavy readers', rules: { fact: 'pageviews', op: 'gte', value: 3 } })
      .expect(201);
    await doneAfter(since);
    const settings = defaultUpdateSettings();
    const store = first.strapi.plugin('personalization').service('store').profiles();
    for (let start = 0; start < VISITORS; start += 500) {
      await Promise.all(
        Array.from({ length: 500 }, (_, offset) => start + offset).map((i) => {
          const pageviews = i % 5;
          const ts = recent(i) ? now - 60 : now - 30 * DAY;
          return store.applyUpdates(`pass-visitor-${i}`, [{ ts, incr: { pv: pageviews, 'e:Seen': 1 }, ...(pageviews > 0 ? { windowed: { pv: pageviews } } : {}) }], settings, now);
        })
      );
    }
  }, 120_000);

  afterAll(async () => {
    await second?.stop();
    await first?.stop();
    await redis?.stop();
    fs.rmSync(tmp, { recursive: true, force: true });
  });

  const status = async () =>
    (await request(first.server).get('/personalization/segments/reevaluation').set('Authorization', `Bearer ${token}`).expect(200)).body.data;
  /** The pass begun (on either instance, for whatever reason it heard) after `since`, once completed. */
  const doneAfter = async (since: number) => {
    for (let waited = 0; waited < 60_000; waited += 100) {
      const current = await status();
      if (current.state === 'done' && Date.parse(current.startedAt) >= since) return current;
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
    throw new Error(`no pass completed since ${new Date(since).toISOString()}: ${JSON.stringify(await status())}`);
  };
  const membership = async () => {
    const pipeline = redis.client.pipeline();
    for (let i = 0; i < VISITORS; i += 1) pipeline.get(`psn:{v:pass-visitor-${i}}:s`);
    return ((await pipeline.exec()) ?? []).map(([, value]) => JSON.parse((value as string | null) ?? '[]') as string[]);
  };

  it('splits a pass after a segment change between both instances, evaluating every profile', async () => {
    const since = Date.now();
    await request(first.server)
      .post('/personalization/segments')
      .set('Authorization', `Bearer ${token}`)
      .send({ slug: 'active-readers', name: 'Active readers', rules: { fact: 'pageviews', op: 'gte', value: 1, window: '7d' } })
      .expect(201);
    const pass = await doneAfter(since);
    expect(pass.partitions).toBeGreaterThanOrEqual(4);
    expect(pass).toMatchObject({ scope: 'all', partitionsDone: pass.partitions, instances: 2, changed: visitors.filter((i) => expectedSegments(i).length > 0).length });
    // Every profile once, a few twice at partition edges (as SCAN itself may return them).
    expect(pass.evaluated).toBeGreaterThanOrEqual(VISITORS);
    expect(pass.evaluated).toBeLessThan(VISITORS * 1.1);
    expect(await redis.client.zcard('psn:seg:active-readers:members')).toBe(activeMembers);
    expect(await redis.client.zcard('psn:seg:heavy:members')).toBe(heavyMembers);
    (await membership()).forEach((segments, i) => expect(segments).toEqual(expectedSegments(i)));
  });

  it('reads on schedule only the profiles time can have changed, and keeps the others as members', async () => {
    const reevaluation = first.strapi.plugin('personalization').service('reevaluation');
    // The profiles last seen 30 days ago cannot leave a 7-day window they already left.
    const since = Date.now();
    reevaluation.start('scheduled refresh', 'time');
    await reevaluation.idle();
    const pass = await doneAfter(since);
    expect(pass).toMatchObject({ scope: 'time', changed: 0 });
    expect(pass.scanned).toBeGreaterThanOrEqual(VISITORS);
    expect(pass.evaluated).toBeGreaterThanOrEqual(VISITORS / 2);
    expect(pass.evaluated).toBeLessThan((VISITORS / 2) * 1.1);
    expect(await redis.client.zcard('psn:seg:active-readers:members')).toBe(activeMembers);
    expect(await redis.client.zcard('psn:seg:heavy:members')).toBe(heavyMembers);
    (await membership()).forEach((segments, i) => expect(segments).toEqual(expectedSegments(i)));
  });
});
