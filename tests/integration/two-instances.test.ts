/**
 * Two Strapi instances on one Redis and one database, as behind a load balancer: what an editor
 * changes through one is in force on the other within a bound, even when pub/sub messages are lost
 * (this Redis refuses PUBLISH altogether, so only the polled change counters carry changes).
 */
import fs from 'fs';
import os from 'os';
import path from 'path';
import request from 'supertest';
import { adminToken } from '../helpers/admin';
import { BROWSER_UA, credentialFor, pageEvent } from '../helpers/events';
import { startRedis, type PrivateRedis } from '../helpers/redis-server';
import { startAppProcess, type AppProcess } from '../helpers/strapi-process';
import { startTestApp, type TestApp } from '../helpers/strapi-app';

/** The poll interval (2 s) plus a reload, with room for a loaded machine. */
const BOUND_MS = 6_000;

describe('two instances, pub/sub lost', () => {
  let redis: PrivateRedis;
  let first: TestApp;
  let second: AppProcess;
  let token: string;
  const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'psn-two-'));

  beforeAll(async () => {
    redis = await startRedis({ args: ['--rename-command', 'PUBLISH', ''] });
    const databaseFile = path.join(tmp, 'shared.db');
    first = await startTestApp({ redisUrl: redis.url, databaseFile });
    second = await startAppProcess({ redisUrl: redis.url, databaseFile });
    token = await adminToken(first, { email: 'two-instances@example.com' });
  }, 120_000);

  afterAll(async () => {
    await second?.stop();
    await first?.stop();
    await redis?.stop();
    fs.rmSync(tmp, { recursive: true, force: true });
  });

  const admin = (method: 'get' | 'post' | 'put' | 'delete', route: string) =>
    request(first.server)[method](`/personalization${route}`).set('Authorization', `Bearer ${token}`);
  /** Reads on the second instance until `done` holds; resolves to how long that took. */
  const onSecondWithin = async (url: string, headers: Record<string, string>, done: (body: { data: Record<string, unknown>; meta: Record<string, unknown> }) => boolean) => {
    const started = Date.now();
    for (;;) {
      const body = await (await fetch(`${second.url}${url}`, { headers })).json();
      if (done(body)) return Date.now() - started;
      if (Date.now() - started > BOUND_MS) throw new Error(`not in force on the second instance after ${BOUND_MS} ms: ${JSON.stringify(body).slice(0, 300)}`);
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
  };

  it('serves a new variant, then stops serving a deleted one, and runs and stops an experiment, on the other instance', async () => {
    await admin('post', '/segments').send({ name: 'Readers', slug: 'readers', rules: { fact: 'pageviews', op: 'gte', value: 1 } }).expect(201);
    const article = await first.strapi.documents('api::article.article').create({ data: { title: 'Shared', cta: 'Base' }, locale: 'en', status: 'published' } as never);
    const visitor = 'two-instances-visitor-1';
    // Ingest on the second instance: the segment created through the first is in force there too.
    const started = Date.now();
    for (;;) {
      const answer = await fetch(`${second.url}/api/personalization/events`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', 'user-agent': BROWSER_UA },
        // With the visitor's credential: only it reads the membership back.
        body: JSON.stringify({ visitorToken: credentialFor(first, visitor), events: [pageEvent()] }),
      });
      if (((await answer.json()) as { data: { segments: string[] } }).data.segments.includes('readers')) break;
      if (Date.now() - started > BOUND_MS) throw new Error('the new segment is not evaluated on the second instance');
    }
    const headers = { 'x-visitor-token': credentialFor(first, visitor) };
    const read = `/api/articles/${article.documentId}`;
    await onSecondWithin(read, headers, (body) => body.data.cta === 'Base');

    const variant = await admin('post', '/variants').send({ contentType: 'api::article.article', documentId: article.documentId, locale: 'en', segment: 'readers', fields: { cta: 'For readers' } }).expect(201);
    await onSecondWithin(read, headers, (body) => body.data.cta === 'For readers');
    await admin('delete', `/variants/${variant.body.data.id}`).expect(200);
    await onSecondWithin(read, headers, (body) => body.data.cta === 'Base');

    const experiment = await admin('post', '/experiments')
      .send({ name: 'Shared test', key: 'shared-test', target: { contentType: 'api::article.article', documentId: article.documentId, locale: 'en' }, arms: [{ key: 'control', weight: 0 }, { key: 'b', weight: 1 }], goals: { primary: { event: 'Signup' } } })
      .expect(201);
    await admin('post', '/variants').send({ contentType: 'api::article.article', documentId: article.documentId, locale: 'en', experiment: 'shared-test', arm: 'b', fields: { cta: 'Arm b' } }).expect(201);
    await admin('post', `/experiments/${experiment.body.data.documentId}/start`).expect(200);
    await onSecondWithin(read, headers, (body) => body.data.cta === 'Arm b');
    await admin('post', `/experiments/${experiment.body.data.documentId}/stop`).send({}).expect(200);
    await onSecondWithin(read, headers, (body) => body.data.cta === 'Base' && !(body.meta.personalization as { experiments?: unknown }).experiments);
  }, 120_000);
});
