/**
 * Reporting history through the admin API, on SQLite and on PostgreSQL: yesterday's activity (written
 * through the plugin's stores at yesterday's dates, as ingest, resolution and the segment pass write
 * it) and today's (real requests) are rolled up into the plugin's tables; a second rollup leaves the
 * same rows; after Redis's FLUSHALL the Analytics endpoint and the experiment's results still show
 * yesterday as they were, and today's figures (Redis only) are gone.
 */
import request from 'supertest';
import { assignArm } from '../../server/src/experiments/bucketing';
import { HISTORY_TABLES } from '../../server/src/history/store/knex-history-store';
import type { StoreService } from '../../server/src/store/store-service';
import { adminToken } from '../helpers/admin';
import { BROWSER_UA, credentialFor, IDENTITY_SECRET, pageEvent, trackEvent } from '../helpers/events';
import { startPostgres, type PrivatePostgres } from '../helpers/postgres-server';
import { startRedis, type PrivateRedis } from '../helpers/redis-server';
import { startTestApp, type TestApp } from '../helpers/strapi-app';

const ARTICLE = 'api::article.article';
const DAY = 86_400;
const ARMS = [
  { key: 'control', weight: 50 },
  { key: 'b', weight: 50 },
];

describe.each([['sqlite'], ['postgres']])('reporting history on %s', (database) => {
  let redis: PrivateRedis;
  let postgres: PrivatePostgres | undefined;
  let app: TestApp;
  let token: string;

  const today = Math.floor(Date.now() / 1000 / DAY);
  const yesterday = today - 1;
  const dateOf = (day: number) => new Date(day * DAY * 1000).toISOString().slice(0, 10);
  /** Noon yesterday (UTC): what yesterday's exposures and conversions are timed at. */
  const yesterdayNoon = yesterday * DAY + 12 * 3600;

  const admin = (method: 'get' | 'post', path: string) => request(app.server)[method](`/personalization${path}`).set('Authorization', `Bearer ${token}`);
  const send = (visitor: string, events: object[]) =>
    request(app.server).post('/api/personalization/events').set('User-Agent', BROWSER_UA).send({ anonymousId: visitor, events }).expect(202);
  const read = (visitor: string, documentId: string) =>
    request(app.server).get(`/api/articles/${documentId}`).set('X-Visitor-Token', credentialFor(app, visitor)).expect(200);
  const stores = () => app.strapi.plugin('personalization').service('store') as StoreService;
  /** Every row of the history tables, in a stable order. */
  const historyRows = async () => {
    const knex = app.strapi.db.connection;
    const tables: Record<string, string[]> = {};
    for (const table of Object.values(HISTORY_TABLES)) {
      const rows = (await knex(table).select('*')) as Record<string, unknown>[];
      tables[table] = rows.map((row) => JSON.stringify(Object.entries(row).map(([key, value]) => [key, String(value)]))).sort();
    }
    return tables;
  };

  beforeAll(async () => {
    redis = await startRedis();
    if (database === 'postgres') postgres = await startPostgres({ database: 'history_app' });
    app = await startTestApp({
      redisUrl: redis.url,
      databaseEnv: postgres?.env,
      // No scheduled rollup: this test decides when one runs (after it has written yesterday).
      pluginConfig: { resolve: { timeoutMs: 1000 }, identity: { secret: IDENTITY_SECRET }, history: { rollupMinutes: 0 } },
    });
    token = await adminToken(app, { email: `history-${database}@example.com` });
  }, 120_000);

  afterAll(async () => {
    await app?.stop();
    await postgres?.stop();
    await redis?.stop();
  });

  it("keeps yesterday's analytics and experiment results through a Redis flush", async () => {
    // A segment with a variant of one article, and an experiment on another.
    await admin('post', '/segments').send({ name: 'Readers', slug: 'readers', rules: { fact: 'pageviews', op: 'gte', value: 1 } }).expect(201);
    const withVariant = await app.strapi.documents(ARTICLE).create({ data: { title: 'Variant article', cta: 'Base' }, locale: 'en', status: 'published' } as never);
    const variant = (
      await admin('post', '/variants')
        .send({ contentType: ARTICLE, documentId: withVariant.documentId, locale: 'en', segment: 'readers', label: 'Readers CTA', fields: { cta: 'For readers' } })
        .expect(201)
    ).body.data.id as string;
    const tested = await app.strapi.documents(ARTICLE).create({ data: { title: 'Tested article', cta: 'Read more' }, locale: 'en', status: 'published' } as never);
    const experiment = (
      await admin('post', '/experiments')
        .send({ name: 'History CTA', key: 'history-cta', target: { contentType: ARTICLE, documentId: tested.documentId, locale: 'en' }, arms: ARMS, goals: { primary: { event: 'Signup' } } })
        .expect(201)
    ).body.data.documentId as string;
    await admin('post', '/variants').send({ contentType: ARTICLE, documentId: tested.documentId, locale: 'en', experiment: 'history-cta', arm: 'b', fields: { cta: 'Watch' } }).expect(201);
    await admin('post', `/experiments/${experiment}/start`).expect(200);

    // Yesterday, written through the stores as the plugin writes it (its clock is today's).
    const yesterdayVisitors = Array.from({ length: 6 }, (_, i) => `history-${database}-y${i}`);
    for (const visitor of yesterdayVisitors) await send(visitor, [pageEvent()]);
    await stores().analytics().incrementStats(yesterday, { 'events:page': 20, 'events:track': 5, bots: 2, [`served:${variant}`]: 9, [`clicked:${variant}`]: 3 });
    await stores().analytics().addActiveVisitors(yesterday, yesterdayVisitors);
    await stores().membership().recordSegmentSizes(yesterday, { readers: 6 });
    const yesterdayArms: Record<string, { visitors: number; converted: number }> = { control: { visitors: 0, converted: 0 }, b: { visitors: 0, converted: 0 } };
    for (const [i, visitor] of yesterdayVisitors.entries()) {
      const arm = assignArm('history-cta', visitor, ARMS);
      expect(await stores().experiments().recordExposure(visitor, experiment, arm, yesterdayNoon, 180 * DAY)).toBe(true);
      yesterdayArms[arm].visitors += 1;
      if (i % 2 === 0) {
        await stores().experiments().recordConversion(visitor, experiment, arm, 'primary', yesterdayNoon + 60, 180 * DAY);
        yesterdayArms[arm].converted += 1;
      }
    }

    // Today, through real requests: reads that serve the variant and expose to the experiment, a click, sign-ups.
    for (let i = 0; i < 4; i++) {
      const visitor = `history-${database}-t${i}`;
      await send(visitor, [pageEvent()]);
      expect((await read(visitor, withVariant.documentId)).body.data.cta).toBe('For readers');
      await read(visitor, tested.documentId);
      await send(visitor, [trackEvent('Signup')]);
    }
    await send(`history-${database}-t0`, [trackEvent('CTA Clicked', { category: 'cta', properties: { variant } })]);

    const before = (await admin('get', '/analytics').expect(200)).body.data;
    const resultsBefore = (await admin('get', `/experiments/${experiment}/results`).expect(200)).body.data;
    const dayIn = (overview: { days: { date: string }[] }, day: number) => overview.days.find((entry) => entry.date === dateOf(day));
    expect(dayIn(before, yesterday)).toMatchObject({ events: { page: 20, track: 5 }, bots: 2, activeVisitors: 6 });
    expect(dayIn(before, today)).toMatchObject({ events: { page: 10, track: 5 }, activeVisitors: 10 });
    expect(before.variants.find((entry: { id: string }) => entry.id === variant)).toMatchObject({ served: 13, clicks: 4 });
    const armOf = (results: { arms: { key: string; visitors: number; goals: { primary: { conversions: number } } }[] }, key: string) =>
      results.arms.find((arm) => arm.key === key)!;
    expect(armOf(resultsBefore, 'control').visitors + armOf(resultsBefore, 'b').visitors).toBe(10);

    // Roll up; again: the same rows.
    const first = (await admin('post', '/history/rollup').expect(200)).body.data;
    expect(first).toMatchObject({ state: 'done', report: { written: { counters: 5, segmentSizes: 1, experimentCounters: expect.any(Number) } } });
    expect(first.report.written.days).toBeGreaterThanOrEqual(400);
    const rows = await historyRows();
    expect(rows[HISTORY_TABLES.counters]).toHaveLength(5);
    expect(rows[HISTORY_TABLES.segmentSizes]).toEqual([JSON.stringify([['segment', 'readers'], ['day', dateOf(yesterday)], ['size', '6']])]);
    const second = (await admin('post', '/history/rollup').expect(200)).body.data;
    expect(second.report.written).toEqual({ days: 0, counters: 0, segmentSizes: 0, experimentCounters: 0 });
    expect(await historyRows()).toEqual(rows);
    expect((await admin('get', '/history').expect(200)).body.data).toMatchObject({ state: 'done', reason: 'requested in the admin' });

    await redis.client.flushall();

    const after = (await admin('get', '/analytics').expect(200)).body.data;
    expect(dayIn(after, yesterday)).toEqual(dayIn(before, yesterday));
    expect(after.segments.find((segment: { slug: string }) => segment.slug === 'readers').sizes).toContainEqual({ date: dateOf(yesterday), size: 6 });
    // Today lived in Redis only; over the range, the variant keeps yesterday's serves and clicks.
    expect(dayIn(after, today)).toMatchObject({ events: { page: 0, track: 0 }, activeVisitors: 0 });
    expect(after.variants.find((entry: { id: string }) => entry.id === variant)).toMatchObject({ served: 9, clicks: 3, clickThrough: 0.3333 });

    const resultsAfter = (await admin('get', `/experiments/${experiment}/results`).expect(200)).body.data;
    for (const key of ['control', 'b']) {
      expect(armOf(resultsAfter, key).visitors).toBe(yesterdayArms[key].visitors);
      expect(armOf(resultsAfter, key).goals.primary.conversions).toBe(yesterdayArms[key].converted);
    }
    const dailyOf = (results: { daily: { date: string }[] }, day: number) => results.daily.find((entry) => entry.date === dateOf(day));
    expect(dailyOf(resultsAfter, yesterday)).toEqual(dailyOf(resultsBefore, yesterday));
    expect(dailyOf(resultsAfter, today)).toBeUndefined();

    // A rollup after the flush keeps the rows as they were.
    await admin('post', '/history/rollup').expect(200);
    expect(await historyRows()).toEqual(rows);
  });

  it('needs the rollup permission to roll up, and analytics.read to see its status', async () => {
    const author = await adminToken(app, { email: `history-author-${database}@example.com`, roleCode: 'strapi-author' });
    await request(app.server).post('/personalization/history/rollup').set('Authorization', `Bearer ${author}`).expect(403);
    await request(app.server).get('/personalization/history').set('Authorization', `Bearer ${author}`).expect(403);
  });

  it('drops the history of a deleted segment and of a deleted experiment', async () => {
    const segments = (await admin('get', '/segments').expect(200)).body.data as { slug: string; documentId: string }[];
    const readers = segments.find((segment) => segment.slug === 'readers')!;
    const knex = app.strapi.db.connection;
    expect(await knex(HISTORY_TABLES.segmentSizes).where({ segment: 'readers' })).toHaveLength(1);
    await request(app.server).delete(`/personalization/segments/${readers.documentId}`).set('Authorization', `Bearer ${token}`).expect(200);
    expect(await knex(HISTORY_TABLES.segmentSizes).where({ segment: 'readers' })).toHaveLength(0);

    const [experiment] = (await admin('get', '/experiments').expect(200)).body.data as { documentId: string }[];
    await admin('post', `/experiments/${experiment.documentId}/stop`).send({}).expect(200);
    expect((await knex(HISTORY_TABLES.experimentCounters).where({ experiment: experiment.documentId })).length).toBeGreaterThan(0);
    await request(app.server).delete(`/personalization/experiments/${experiment.documentId}`).set('Authorization', `Bearer ${token}`).expect(200);
    expect(await knex(HISTORY_TABLES.experimentCounters).where({ experiment: experiment.documentId })).toHaveLength(0);
  });
});
