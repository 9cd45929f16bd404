/**
 * Behavioral triggers end to end, in the test app with a private Redis and a real HTTP receiver:
 * absence (cart abandoned), on-site actions in the ingest answer, signed at-least-once deliveries
 * with retries and dead letters, erase, and the admin API's validation.
 */
import request from 'supertest';
import { adminToken } from '../helpers/admin';
import { BROWSER_UA, credentialFor, IDENTITY_SECRET, trackEvent, userHashOf, visitorId } from '../helpers/events';
import { readmeVerifier, startReceiver, type Receiver } from '../helpers/http-receiver';
import { startRedis, type PrivateRedis } from '../helpers/redis-server';
import { startTestApp, type TestApp } from '../helpers/strapi-app';
import { sleep, waitFor } from '../helpers/wait-for';

const MOVIE = 'api::movie.movie';
const ARTICLE = 'api::article.article';
const SECRET = 'mailer-signing-secret-0123456789';


describe('triggers', () => {
  let redis: PrivateRedis;
  let receiver: Receiver;
  let app: TestApp;
  let token: string;
  const verify = readmeVerifier();
  const movies: string[] = [];

  beforeAll(async () => {
    redis = await startRedis();
    receiver = await startReceiver();
    app = await startTestApp({
      redisUrl: redis.url,
      pluginConfig: {
        identity: { secret: IDENTITY_SECRET },
        triggers: {
          destinations: [
            { name: 'mailer', url: receiver.url, secret: SECRET, timeoutMs: 1_000 },
            // Nothing listens on port 9 of this machine: every attempt fails at once.
            { name: 'nowhere', url: 'http://127.0.0.1:9/hooks', secret: SECRET, timeoutMs: 1_000 },
          ],
          pollMs: 50,
          retryBaseSec: 0.1,
          retryMaxSec: 0.3,
          maxAttempts: 3,
          leaseSec: 2,
        },
      },
    });
    token = await adminToken(app, { email: 'triggers@example.com' });
    for (const title of ['Alien', 'Aliens', 'Predator']) {
      movies.push((await app.strapi.documents(MOVIE).create({ data: { title, topic: 'Sci-Fi' }, status: 'published' } as never)).documentId);
    }
    const create = (body: object) => admin('post', '/triggers').send(body).expect(201);
    await create({
      name: 'Cart abandoned',
      slug: 'cart-abandoned',
      cooldown: '1h',
      condition: { type: 'absence', event: 'Product Added', unless: { event: 'Order Completed' }, within: '2s' },
      actions: { outbound: { destination: 'mailer', include: { recommendations: { contentType: MOVIE, limit: 2 } } } },
    });
    await create({
      name: 'Long read',
      slug: 'long-read',
      condition: { type: 'dwell', seconds: 60, contentType: MOVIE },
      actions: { onSite: { data: { title: 'More like this' }, recommend: { contentType: MOVIE, limit: 2 } } },
    });
    await create({
      name: 'Flaky receiver',
      slug: 'flaky',
      condition: { type: 'event', event: 'Flaky Test', where: [{ property: 'plan', op: 'eq', value: 'pro' }] },
      actions: { outbound: { destination: 'mailer' } },
    });
    await create({ name: 'Nowhere', slug: 'nowhere', condition: { type: 'event', event: 'Nowhere Test' }, actions: { outbound: { destination: 'nowhere' } } });
    await create({
      name: 'Slow check',
      slug: 'slow-check',
      condition: { type: 'absence', event: 'Signup Started', unless: { event: 'Signup Completed' }, within: '1d' },
      actions: { outbound: { destination: 'mailer' } },
    });
  }, 120_000);

  afterAll(async () => {
    await app?.stop();
    await receiver?.stop();
    await redis?.stop();
  });

  const admin = (method: 'get' | 'post' | 'put' | 'delete', route: string) =>
    request(app.server)[method](`/personalization${route}`).set('Authorization', `Bearer ${token}`);
  /** Events as the tracker sends them: with the visitor's credential. */
  const send = (visitor: string, events: object[]) =>
    request(app.server).post('/api/personalization/events').set('User-Agent', BROWSER_UA).send({ visitorToken: credentialFor(app, visitor), events }).expect(202);
  const deliveriesTo = (trigger: string, visitor?: string) =>
    receiver.received.filter((received) => received.json.trigger === trigger && (!visitor || (received.json.visitor as { id: string }).id === visitor));

  it('sends a cart abandonment once, signed as the README says, after the wait, and never when the order completes', async () => {
    const abandoner = visitorId();
    const buyer = visitorId();
    await send(abandoner, [trackEvent('Product Added', { properties: { documentId: movies[0], price: 12, email: 'someone@example.com' } })]);
    await send(buyer, [trackEvent('Product Added', { properties: { documentId: movies[1] } })]);
    await send(buyer, [trackEvent('Order Completed', { properties: { revenue: 12 } })]);
    // Nothing before the wait is over.
    await sleep(1_000);
    expect(deliveriesTo('cart-abandoned')).toHaveLength(0);
    const [delivery] = await waitFor('the abandonment delivery', () => (deliveriesTo('cart-abandoned', abandoner).length ? deliveriesTo('cart-abandoned', abandoner) : undefined));
    await sleep(1_500);
    expect(deliveriesTo('cart-abandoned', abandoner)).toHaveLength(1);
    expect(deliveriesTo('cart-abandoned', buyer)).toHaveLength(0);

    expect(verify(SECRET, delivery.rawBody, String(delivery.headers['x-psn-signature']))).toBe(true);
    expect(verify('another-secret-0123456789', delivery.rawBody, String(delivery.headers['x-psn-signature']))).toBe(false);
    expect(verify(SECRET, delivery.rawBody.replace('Product', 'Produce'), String(delivery.headers['x-psn-signature']))).toBe(false);
    expect(delivery.headers['idempotency-key']).toBe(delivery.json.id);
    expect(delivery.json).toMatchObject({
      version: 1,
      trigger: 'cart-abandoned',
      triggerName: 'Cart abandoned',
      visitor: { id: abandoner, userHash: null },
      events: [{ type: 'track', event: 'Product Added', properties: { documentId: movies[0], price: 12 } }],
      recommendations: { contentType: MOVIE },
    });
    // The e-mail address in the event's properties was never stored, so never sent.
    expect(delivery.rawBody).not.toContain('someone@example.com');

    // Another Product Added: the cool-down (1 h) keeps the visitor from a second e-mail.
    await send(abandoner, [trackEvent('Product Added', { properties: { documentId: movies[2] } })]);
    await sleep(3_000);
    expect(deliveriesTo('cart-abandoned', abandoner)).toHaveLength(1);
  });

  it('returns the on-site action of a long read in the same ingest answer, to the credential only', async () => {
    const reader = visitorId();
    const heartbeat = (total: number) => trackEvent('Dwell Time', { properties: { seconds: 30, total, contentType: MOVIE, documentId: movies[0] } });
    const early = await send(reader, [heartbeat(30)]);
    expect(early.body.data.actions).toBeUndefined();
    const { body } = await send(reader, [heartbeat(60)]);
    expect(body.data.actions).toEqual([
      { trigger: 'long-read', data: { title: 'More like this' }, recommend: { contentType: MOVIE, strategy: 'cf-v1', items: expect.any(Array) } },
    ]);
    for (const item of body.data.actions[0].recommend.items) expect(movies).toContain(item.documentId);
    // The cool-down (1 day by default): the next heartbeat acts no more.
    expect((await send(reader, [heartbeat(180)])).body.data.actions).toBeUndefined();

    // A bare id is a name anybody can type: stored, but no trigger acts and nothing is read back.
    const stranger = visitorId();
    const bare = await request(app.server)
      .post('/api/personalization/events')
      .set('User-Agent', BROWSER_UA)
      .send({ anonymousId: stranger, events: [heartbeat(60)] })
      .expect(202);
    expect(bare.body.data).toMatchObject({ accepted: 1, segments: [] });
    expect(bare.body.data.actions).toBeUndefined();
  });

  it('delivers once to a receiver that fails twice, with one idempotency key, and counts it', async () => {
    const visitor = visitorId();
    let failures = 0;
    receiver.respond = (received) => (received.json.trigger === 'flaky' && failures++ < 2 ? 500 : 200);
    try {
      await send(visitor, [trackEvent('Flaky Test', { properties: { plan: 'free' } })]);
      await send(visitor, [trackEvent('Flaky Test', { properties: { plan: 'pro' } })]);
      await waitFor('the accepted delivery', () => (deliveriesTo('flaky').some((received) => received.status === 200) ? true : undefined));
      await sleep(1_000);
    } finally {
      receiver.respond = () => 200;
    }
    const attempts = deliveriesTo('flaky');
    expect(attempts.map((received) => received.status)).toEqual([500, 500, 200]);
    expect(new Set(attempts.map((received) => received.headers['idempotency-key'])).size).toBe(1);
    expect(attempts.map((received) => received.headers['x-psn-attempt'])).toEqual(['1', '2', '3']);
    // The same body every time: built once, signed per attempt.
    expect(new Set(attempts.map((received) => received.rawBody)).size).toBe(1);
    const log = await admin('get', '/triggers/deliveries?status=recent').expect(200);
    expect(log.body.data.find((item: { trigger: string }) => item.trigger === 'flaky')).toMatchObject({ status: 'delivered', attempts: 3, lastStatus: 200 });
  });

  it('puts a delivery to a receiver that is down in the dead letters, and replays it', async () => {
    const visitor = visitorId();
    await send(visitor, [trackEvent('Nowhere Test')]);
    const dead = await waitFor('the dead letter', async () => {
      const { body } = await admin('get', '/triggers/deliveries?status=dead').expect(200);
      return body.data.find((item: { trigger: string }) => item.trigger === 'nowhere');
    });
    expect(dead).toMatchObject({ status: 'dead', attempts: 3, visitorId: visitor });
    expect(dead.lastError).toBeTruthy();
    await admin('post', `/triggers/deliveries/${dead.id}/replay`).expect(202);
    const replayed = await waitFor('the replay to die again', async () => {
      const { body } = await admin('get', `/triggers/deliveries/${dead.id}`);
      if (!body.data) throw new Error(JSON.stringify(body));
      return body.data.status === 'dead' && body.data.attempts === 3 ? body.data : undefined;
    });
    expect(replayed.id).toBe(dead.id);
    await admin('post', '/triggers/deliveries/00000000000000000000000000000000/replay').expect(404);
    await admin('post', '/triggers/deliveries/not-an-id/replay').expect(400);
  });

  it('erases a visitor\'s scheduled checks, deliveries and cool-downs', async () => {
    const visitor = visitorId();
    await send(visitor, [trackEvent('Signup Started'), trackEvent('Nowhere Test')]);
    const mentions = async () => {
      const keys = await redis.client.keys('psn:{trg}:*');
      const found: string[] = [];
      for (const key of keys) {
        const type = await redis.client.type(key);
        const content =
          type === 'hash' ? JSON.stringify(await redis.client.hgetall(key)) : type === 'zset' ? (await redis.client.zrange(key, '0', '-1')).join(',') : type === 'set' ? (await redis.client.smembers(key)).join(',') : '';
        if (key.includes(visitor) || content.includes(visitor)) found.push(key);
      }
      return found;
    };
    expect((await mentions()).length).toBeGreaterThan(0);
    await request(app.server).delete('/api/personalization/profile').set('X-Visitor-Token', credentialFor(app, visitor)).expect((response) => expect(response.status).toBeLessThan(300));
    expect(await mentions()).toEqual([]);
  });

  it('carries the hashed user id of an identified visitor, never the raw one', async () => {
    const visitor = visitorId();
    await send(visitor, [{ type: 'identify', userId: 'user-42', userHash: userHashOf('user-42'), traits: {} }]);
    await send(visitor, [trackEvent('Flaky Test', { properties: { plan: 'pro' } })]);
    const [delivery] = await waitFor('the delivery', () => {
      const found = receiver.received.filter((received) => received.json.trigger === 'flaky' && (received.json.visitor as { id: string }).id !== undefined && received.rawBody.includes('userHash":"'));
      return found.length ? found : undefined;
    });
    const identity = app.strapi.plugin('personalization').service('identity') as { hashUserId(userId: string): string };
    expect((delivery.json.visitor as { userHash: string }).userHash).toBe(identity.hashUserId('user-42'));
    expect(delivery.rawBody).not.toContain('user-42');
  });

  it('refuses invalid triggers with the path of each problem', async () => {
    const invalid = async (body: object, path: string, message: RegExp) => {
      const response = await admin('post', '/triggers').send(body).expect(400);
      expect(response.body.error.name).toBe('ValidationError');
      const issue = response.body.error.details.errors.find((candidate: { path: string[] }) => candidate.path.join('.') === path);
      expect(issue?.message).toMatch(message);
    };
    const base = { name: 'X', slug: 'x-trigger', condition: { type: 'event', event: 'X' }, actions: { outbound: { destination: 'mailer' } } };
    await invalid({ ...base, actions: { outbound: { destination: 'crm' } } }, 'actions.outbound.destination', /no destination "crm".*"mailer"/);
    await invalid(
      { ...base, condition: { type: 'absence', event: 'A', unless: { event: 'B' }, within: '1h' }, actions: { onSite: { data: { a: 1 } } } },
      'actions.onSite',
      /outbound/
    );
    await invalid({ ...base, condition: { type: 'dwell', seconds: 45 } }, 'condition.seconds', /30, 60, 180/);
    await invalid({ ...base, condition: { type: 'absence', event: 'A', unless: { event: 'B' }, within: '5 minutes' } }, 'condition.within', /duration/);
    await invalid({ ...base, condition: { type: 'event', event: 'A', where: [{ property: 'x', op: 'gt', value: 'big' }] } }, 'condition.where.0.value', /number/);
    await invalid({ ...base, condition: { type: 'segment', segment: 'nope', change: 'enter' } }, 'condition.segment', /no segment "nope"/);
    await invalid({ ...base, actions: {} }, 'actions', /at least one action/);
    await invalid({ ...base, slug: 'cart-abandoned' }, 'slug', /already used/);
  });

  it('sends a test payload to the destination and answers with the receiver\'s status', async () => {
    const { body: list } = await admin('get', '/triggers').expect(200);
    const flaky = list.data.find((trigger: { slug: string }) => trigger.slug === 'flaky');
    expect(flaky.last7Days.delivered).toBeGreaterThanOrEqual(1);
    expect(list.meta.destinations).toEqual([
      { name: 'mailer', url: receiver.url },
      { name: 'nowhere', url: 'http://127.0.0.1:9/hooks' },
    ]);
    const { body } = await admin('post', `/triggers/${flaky.documentId}/test`).expect(200);
    expect(body.data).toMatchObject({ ok: true, status: 200, destination: 'mailer' });
    const test = receiver.received.at(-1)!;
    expect(test.json).toMatchObject({ test: true, trigger: 'flaky' });
    expect(verify(SECRET, test.rawBody, String(test.headers['x-psn-signature']))).toBe(true);
  });

  it('acts on entering a segment, only for its audience, with the entry as the visitor is served it', async () => {
    const article = await app.strapi.documents(ARTICLE).create({ data: { title: 'Picks', cta: 'Read', topic: 'News' }, locale: 'en', status: 'published' } as never);
    await admin('post', '/segments').send({ name: 'Buyers', slug: 'buyers', rules: { fact: 'events.Order Completed', op: 'gte', value: 1 } }).expect(201);
    await admin('post', '/variants')
      .send({ contentType: ARTICLE, documentId: article.documentId, locale: 'en', segment: 'buyers', fields: { cta: 'Thanks for your order' } })
      .expect(201);
    await admin('post', '/triggers')
      .send({
        name: 'Became a buyer',
        slug: 'became-buyer',
        condition: { type: 'segment', segment: 'buyers', change: 'enter' },
        audience: { fact: 'events.Coupon Used', op: 'gte', value: 1 },
        actions: { outbound: { destination: 'mailer', include: { variant: { contentType: ARTICLE, documentId: article.documentId, locale: 'en' } } } },
      })
      .expect(201);
    const couponUser = visitorId();
    const other = visitorId();
    await send(couponUser, [trackEvent('Coupon Used'), trackEvent('Order Completed')]);
    await send(other, [trackEvent('Order Completed')]);
    const [delivery] = await waitFor('the segment delivery', () => (deliveriesTo('became-buyer').length ? deliveriesTo('became-buyer') : undefined));
    expect(delivery.json).toMatchObject({
      visitor: { id: couponUser, segments: ['buyers'] },
      segment: 'buyers',
      change: 'enter',
      variant: { contentType: ARTICLE, documentId: article.documentId, entry: { title: 'Picks', cta: 'Thanks for your order' } },
    });
    expect((delivery.json.variant as { variant: string }).variant).toEqual(expect.any(String));
    await sleep(500);
    // Outside the audience: no delivery.
    expect(deliveriesTo('became-buyer', other)).toHaveLength(0);
  });

  it('waits for the hour of the week the visitor is usually active in, within the bound', async () => {
    await admin('post', '/triggers')
      .send({ name: 'Digest', slug: 'digest', condition: { type: 'event', event: 'Digest Asked' }, actions: { outbound: { destination: 'mailer', visitorHour: { withinHours: 168 } } } })
      .expect(201);
    const visitor = visitorId();
    // Active at one hour of the week, some days ago (events may be up to 30 days old), five times.
    const hourStart = Math.floor(Date.now() / 3_600_000) * 3_600_000;
    const busy = hourStart + 5 * 3_600_000 - 7 * 86_400_000; // the same hour of the week, 5 hours from now, a week ago
    await send(visitor, Array.from({ length: 5 }, (_, i) => trackEvent('Read', { timestamp: new Date(busy + i * 60_000).toISOString() })));
    await send(visitor, [trackEvent('Digest Asked')]);
    const { body } = await admin('get', '/triggers/deliveries?status=recent').expect(200);
    const scheduled = body.data.find((item: { trigger: string; visitorId: string }) => item.trigger === 'digest' && item.visitorId === visitor);
    expect(scheduled).toMatchObject({ status: 'scheduled', dueAt: hourStart + 5 * 3_600_000 });
  });
});
