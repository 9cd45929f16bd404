/**
 * Funnels through a booted Strapi and a private redis-server: a funnel defined through the admin API
 * (validated with paths, RBAC), visitors sending their events to the real ingest endpoint along
 * whole and partial paths, and the report's exact counts per step, overall and per segment; a batch
 * sent again counts nothing more; erasing a visitor erases their progress.
 */
import { randomUUID } from 'crypto';
import request from 'supertest';
import { funnelField } from '../../server/src/funnels/funnel-progress';
import type { StoreService } from '../../server/src/store/store-service';
import { adminToken } from '../helpers/admin';
import { BROWSER_UA, IDENTITY_SECRET, pageEvent, trackEvent } from '../helpers/events';
import { startRedis, type PrivateRedis } from '../helpers/redis-server';
import { startTestApp, type TestApp } from '../helpers/strapi-app';

describe('funnels', () => {
  let redis: PrivateRedis;
  let app: TestApp;
  let token: string;
  const today = new Date().toISOString().slice(0, 10);

  const admin = (method: 'get' | 'post' | 'put' | 'delete', path: string, jwt = token) =>
    request(app.server)[method](`/personalization${path}`).set('Authorization', `Bearer ${jwt}`);
  const send = (visitor: string, events: object[]) =>
    request(app.server).post('/api/personalization/events').set('User-Agent', BROWSER_UA).send({ anonymousId: visitor, events }).expect(202);
  const profiles = () => (app.strapi.plugin('personalization').service('store') as StoreService).profiles();
  const visitor = (name: string) => `funnel-${name}-${randomUUID().slice(0, 8)}`;
  const pricing = () => pageEvent({ name: 'Pricing' });
  const reachedPerStep = async (funnel: string, query = '') =>
    ((await admin('get', `/funnels/${funnel}/report?from=${today}&to=${today}${query}`).expect(200)).body.data.steps as { reached: number }[]).map((step) => step.reached);

  beforeAll(async () => {
    redis = await startRedis();
    app = await startTestApp({ redisUrl: redis.url, pluginConfig: { identity: { secret: IDENTITY_SECRET }, history: { rollupMinutes: 0 } } });
    token = await adminToken(app, { email: 'funnels-admin@example.com' });
  }, 120_000);

  afterAll(async () => {
    await app?.stop();
    await redis?.stop();
  });

  it('refuses a bad definition with the path of the problem, and writes need the funnel permissions', async () => {
    const bad = await admin('post', '/funnels').send({ name: 'Bad', window: '7d', steps: [{ page: 'A' }, { page: 'B', event: 'C' }] }).expect(400);
    expect(bad.body.error.message).toBe('steps[1]: a step is a page view or an event, not both');
    const tooLong = await admin('post', '/funnels').send({ name: 'Bad', window: '100d', steps: [{ page: 'A' }, { page: 'B' }] }).expect(400);
    expect(tooLong.body.error.message).toMatch(/^window: expected a duration from "1m" to "90d"/);
    const author = await adminToken(app, { email: 'funnels-author@example.com', roleCode: 'strapi-author' });
    await admin('post', '/funnels', author).send({ name: 'Nope', window: '1h', steps: [{ page: 'A' }, { page: 'B' }] }).expect(403);
    await admin('get', '/funnels/nope/report?from=2026-01-01&to=2026-01-02').expect(404);
  });

  it('counts visitors per step along whole and partial paths, per segment, once for a batch sent again', async () => {
    await admin('post', '/segments').send({ name: 'Readers', slug: 'readers', rules: { fact: 'pageviews', op: 'gte', value: 1 } }).expect(201);
    const created = await admin('post', '/funnels')
      .send({ name: 'Signup', window: '1h', steps: [{ page: 'Pricing' }, { event: 'Signup Started' }, { event: 'Signup Completed' }] })
      .expect(201);
    const funnel = created.body.data.documentId as string;
    expect(created.body.data).toMatchObject({ name: 'Signup', window: '1h', enabled: true });

    // Readers (a page view before, so that their funnel batch finds them in the segment).
    const whole = visitor('whole');
    const partial = visitor('partial');
    await send(whole, [pageEvent({ name: 'Home' })]);
    await send(partial, [pageEvent({ name: 'Home' })]);
    const wholeBatch = [pricing(), trackEvent('Signup Started'), trackEvent('Signup Completed')];
    await send(whole, wholeBatch);
    await send(partial, [pricing(), trackEvent('Signup Started'), trackEvent('Signup Started')]);
    // Not yet readers when they reach the first step.
    const firstOnly = visitor('first-only');
    await send(firstOnly, [pricing(), pricing()]);
    const wrongOrder = visitor('wrong-order');
    await send(wrongOrder, [trackEvent('Signup Started')]);
    await send(wrongOrder, [pricing()]);
    const skipper = visitor('skipper');
    await send(skipper, [pricing(), trackEvent('Signup Completed')]);
    // The whole path's batch again (its answer lost, say): nothing counts twice.
    await send(whole, wholeBatch);

    expect(await reachedPerStep(funnel)).toEqual([5, 2, 1]);
    expect(await reachedPerStep(funnel, '&segment=readers')).toEqual([2, 2, 1]);
    const report = (await admin('get', `/funnels/${funnel}/report?from=${today}&to=${today}`).expect(200)).body.data;
    expect(report).toMatchObject({ funnel: { documentId: funnel, name: 'Signup', window: '1h' }, from: today, to: today, segment: null });
    expect(report.steps[1]).toEqual({ step: { event: 'Signup Started' }, reached: 2, fromPrevious: 0.4, fromFirst: 0.4, droppedOff: 3 });
    expect(report.steps[2]).toEqual({ step: { event: 'Signup Completed' }, reached: 1, fromPrevious: 0.5, fromFirst: 0.2, droppedOff: 1 });

    const unknownSegment = await admin('get', `/funnels/${funnel}/report?from=${today}&to=${today}&segment=nobody`).expect(400);
    expect(unknownSegment.body.error.message).toBe('segment: no segment "nobody"');
    const backwards = await admin('get', `/funnels/${funnel}/report?from=${today}&to=2020-01-01`).expect(400);
    expect(backwards.body.error.message).toBe('to: before "from"');

    // A disabled funnel counts nothing more; enabled again, it goes on.
    await admin('put', `/funnels/${funnel}`).send({ enabled: false }).expect(200);
    await send(partial, [trackEvent('Signup Completed')]);
    expect(await reachedPerStep(funnel)).toEqual([5, 2, 1]);
    await admin('put', `/funnels/${funnel}`).send({ enabled: true }).expect(200);
    await send(partial, [trackEvent('Signup Completed')]);
    expect(await reachedPerStep(funnel)).toEqual([5, 2, 2]);

    // Erase: the visitor's progress goes with their profile.
    expect((await profiles().readProfile(firstOnly))?.fields[funnelField(funnel)]).toMatch(/^1\|\d+\|1$/);
    await admin('delete', `/profiles?visitorId=${firstOnly}`).expect(200);
    expect(await profiles().readProfile(firstOnly)).toBeNull();

    const list = (await admin('get', '/funnels').expect(200)).body;
    expect(list.data.map((entry: { documentId: string }) => entry.documentId)).toEqual([funnel]);
    expect(list.meta).toMatchObject({ maxEnabled: 20 });
  });

  it('enables at most 20 funnels at once', async () => {
    const steps = [{ page: 'A' }, { page: 'B' }];
    const enabled = (await admin('get', '/funnels').expect(200)).body.data.filter((entry: { enabled: boolean }) => entry.enabled).length;
    const ids: string[] = [];
    for (let i = enabled; i < 20; i++) ids.push((await admin('post', '/funnels').send({ name: `F${i}`, window: '1h', steps }).expect(201)).body.data.documentId);
    const over = await admin('post', '/funnels').send({ name: 'One too many', window: '1h', steps }).expect(400);
    expect(over.body.error.message).toBe('enabled: at most 20 funnels can be enabled at once; disable one first');
    const disabled = (await admin('post', '/funnels').send({ name: 'Parked', window: '1h', steps, enabled: false }).expect(201)).body.data.documentId;
    await admin('put', `/funnels/${disabled}`).send({ enabled: true }).expect(400);
    for (const id of [...ids, disabled]) await admin('delete', `/funnels/${id}`).expect(200);
  });
});
