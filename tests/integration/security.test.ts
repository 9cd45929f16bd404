/**
 * The plugin as an attacker tries it: an id is not a credential, a user id from a browser needs
 * proof, reads record nothing for strangers, and hostile input is refused before it costs anything.
 */
import request from 'supertest';
import { adminToken } from '../helpers/admin';
import { BROWSER_UA, credentialFor, IDENTITY_SECRET, pageEvent, trackEvent, userHashOf, visitorId } from '../helpers/events';
import { redisContents } from '../helpers/redis-contents';
import { startRedis, type PrivateRedis } from '../helpers/redis-server';
import { startTestApp, type TestApp } from '../helpers/strapi-app';

describe('security', () => {
  let redis: PrivateRedis;
  let app: TestApp;
  let adminJwt: string;
  let address = 0;
  /** Each test speaks from its own address (the app trusts X-Forwarded-For), so limits stay per test. */
  const nextAddress = () => `198.18.0.${++address}`;

  beforeAll(async () => {
    redis = await startRedis();
    app = await startTestApp({
      redisUrl: redis.url,
      pluginConfig: {
        identity: { secret: IDENTITY_SECRET },
        ingest: { perIpPerMinute: 20 },
        segments: [{ name: 'Readers', slug: 'readers', rules: { fact: 'pageviews', op: 'gte', value: 1 } }],
      },
    });
    app.strapi.server.app.proxy = true;
    adminJwt = await adminToken(app, { email: 'security-admin@example.com' });
  });

  afterAll(async () => {
    await app?.stop();
    await redis?.stop();
  });

  const post = (body: unknown, from = nextAddress()) =>
    request(app.server).post('/api/personalization/events').set('User-Agent', BROWSER_UA).set('X-Forwarded-For', from).send(body as object);
  const newBrowser = async (events: unknown[] = [pageEvent()]) => {
    const response = await post({ events }).expect(202);
    return { visitorId: response.body.data.visitorId as string, token: response.body.data.visitorToken as string };
  };
  const profile = (id: string) => redis.client.hgetall(`psn:{v:${id}}:p`);
  const userVisitor = (userId: string) =>
    app.strapi.plugin('personalization').service('store').profiles().userVisitor(app.strapi.plugin('personalization').service('identity').hashUserId(userId));

  describe('identity', () => {
    it('a user id from a browser, without proof, links nothing and hands out nothing', async () => {
      // The victim identified with proof on their own device.
      const victim = await newBrowser([pageEvent(), trackEvent('Order Completed')]);
      await post({ visitorToken: victim.token, userId: 'customer-42', userHash: userHashOf('customer-42'), events: [{ type: 'identify', traits: { plan: 'gold' } }] }).expect(202);
      expect(await userVisitor('customer-42')).toBe(victim.visitorId);

      for (const body of [
        { userId: 'customer-42', events: [{ type: 'identify', traits: { hacked: true } }] },
        { userId: 'customer-42', userHash: userHashOf('customer-43'), events: [{ type: 'identify' }] },
        { userId: 'customer-42', userHash: userHashOf('customer-42', 'a-guessed-secret-0123456789'), events: [{ type: 'identify' }] },
        { userId: 'up:1', events: [{ type: 'identify' }] },
      ]) {
        const attack = await post(body).expect(202);
        expect(attack.body.data).toMatchObject({ identified: false, reason: 'unverified' });
        // The attacker gets a credential of their own, never the victim's.
        expect(attack.body.data.visitorId).not.toBe(victim.visitorId);
        const read = await request(app.server).get('/api/personalization/profile?export=true').set('X-Visitor-Token', attack.body.data.visitorToken).expect(200);
        expect(JSON.stringify(read.body)).not.toContain('Order Completed');
        expect(JSON.stringify(read.body)).not.toContain(victim.visitorId);
        // The traits stay on the attacker's own visitor.
        await request(app.server).delete('/api/personalization/profile').set('X-Visitor-Token', attack.body.data.visitorToken).expect(200);
      }
      expect(await userVisitor('customer-42')).toBe(victim.visitorId);
      expect(await profile(victim.visitorId)).toMatchObject({ 'e:Order Completed': '1' });
      expect(await redis.client.hgetall(`psn:{v:${victim.visitorId}}:x`)).toEqual({ plan: '"gold"' });
    });

    it('a known visitor id typed into the cookie or a header reads, erases and changes nothing', async () => {
      const victim = await newBrowser([pageEvent(), trackEvent('Signup')]);
      for (const headers of [{ Cookie: `psn_vid=${victim.visitorId}` }, { 'X-Visitor-Id': victim.visitorId }, { 'X-Visitor-Token': `${victim.visitorId}.${'A'.repeat(43)}` }]) {
        await request(app.server).get('/api/personalization/profile').set(headers).expect(401);
        await request(app.server).delete('/api/personalization/profile').set(headers).expect(401);
        const consent = await request(app.server).post('/api/personalization/consent').set(headers).send({ analytics: false }).expect(200);
        expect(consent.body.data.erased).toBe(false);
        const graphql = await request(app.server).post('/graphql').set(headers).send({ query: '{ personalizationProfile { visitorId segments } }' }).expect(200);
        expect(graphql.body.data.personalizationProfile).toEqual({ visitorId: null, segments: [] });
      }
      expect(await profile(victim.visitorId)).toMatchObject({ pv: '1', 'e:Signup': '1' });
    });

    it("a bare id never merges: the attacker's own verified identify leaves the victim's profile where it is", async () => {
      const victim = await newBrowser([pageEvent(), trackEvent('Private Thing')]);
      const attacker = await newBrowser();
      await post({ visitorToken: attacker.token, userId: 'attacker-1', userHash: userHashOf('attacker-1'), events: [{ type: 'identify' }] }).expect(202);
      const attempt = await post({ userId: 'attacker-1', userHash: userHashOf('attacker-1'), events: [{ type: 'identify' }] })
        .set('X-Visitor-Id', victim.visitorId)
        .expect(202);
      expect(attempt.body.data).toMatchObject({ identified: false, reason: 'bare-visitor-id', visitorId: victim.visitorId });
      expect(attempt.body.data.visitorToken).toBeUndefined();
      expect(attempt.headers['set-cookie']).toBeUndefined();
      expect(await redis.client.get(`psn:{v:${victim.visitorId}}:a`)).toBeNull();
      expect(await profile(victim.visitorId)).toMatchObject({ 'e:Private Thing': '1' });
      const attackerProfile = await request(app.server).get('/api/personalization/profile').set('X-Visitor-Token', attacker.token).expect(200);
      expect(attackerProfile.body.data.profile.events).toEqual({});
      // The victim's later activity stays the victim's.
      await post({ visitorToken: victim.token, events: [trackEvent('Later Thing')] }).expect(202);
      expect(await profile(victim.visitorId)).toMatchObject({ 'e:Later Thing': '1' });
    });

    it("content reads personalize only a proven visitor: a bare id gets the base entry, and meta shows the pseudonym only", async () => {
      const reader = await newBrowser();
      const entry = await app.strapi.documents('api::article.article').create({ data: { title: 'Secret-ish', cta: 'Base' }, locale: 'en', status: 'published' } as never);
      await request(app.server)
        .post('/personalization/variants')
        .set('Authorization', `Bearer ${adminJwt}`)
        .send({ contentType: 'api::article.article', documentId: entry.documentId, locale: 'en', segment: 'readers', fields: { cta: 'For readers' } })
        .expect(201);
      const proven = await request(app.server).get(`/api/articles/${entry.documentId}`).set('X-Visitor-Token', reader.token).expect(200);
      expect(proven.body.data.cta).toBe('For readers');
      expect(proven.body.meta.personalization).toMatchObject({ visitorId: reader.visitorId, segments: ['readers'] });
      expect(JSON.stringify(proven.body)).not.toContain(reader.token);
      const bare = await request(app.server).get(`/api/articles/${entry.documentId}`).set('X-Visitor-Id', reader.visitorId).expect(200);
      expect(bare.body.data.cta).toBe('Base');
      expect(bare.body.meta).toEqual({});
    });
  });

  describe('reads create no state', () => {
    it('300 reads with random ids, with Sec-GPC, or by a visitor without a profile record nothing', async () => {
      const entry = await app.strapi.documents('api::article.article').create({ data: { title: 'Tested', cta: 'Base' }, locale: 'en', status: 'published' } as never);
      const created = await request(app.server)
        .post('/personalization/experiments')
        .set('Authorization', `Bearer ${adminJwt}`)
        .send({ name: 'Reads', key: 'reads-test', target: { contentType: 'api::article.article', documentId: entry.documentId, locale: 'en' }, arms: [{ key: 'control', weight: 1 }, { key: 'b', weight: 1 }], goals: { primary: { event: 'Signup' } } })
        .expect(201);
      await request(app.server)
        .post('/personalization/variants')
        .set('Authorization', `Bearer ${adminJwt}`)
        .send({ contentType: 'api::article.article', documentId: entry.documentId, locale: 'en', experiment: 'reads-test', arm: 'b', fields: { cta: 'Arm b' } })
        .expect(201);
      await request(app.server).post(`/personalization/experiments/${created.body.data.documentId}/start`).set('Authorization', `Bearer ${adminJwt}`).expect(200);
      const keysBefore = await redis.client.dbsize();

      for (let i = 0; i < 300; i++) {
        await request(app.server).get(`/api/articles/${entry.documentId}`).set('X-Visitor-Id', visitorId()).expect(200);
      }
      // A proven visitor who refused (GPC), and one whose credential came from a consent grant with no events yet.
      const refusing = await newBrowser();
      const gpc = await request(app.server).get(`/api/articles/${entry.documentId}`).set('X-Visitor-Token', refusing.token).set('Sec-GPC', '1').expect(200);
      expect(gpc.body.meta).toEqual({});
      const granted = await request(app.server).post('/api/personalization/consent').send({ analytics: true }).expect(200);
      const fresh = await request(app.server).get(`/api/articles/${entry.documentId}`).set('X-Visitor-Token', granted.body.data.visitorToken).expect(200);
      expect(fresh.body.meta.personalization.experiments['reads-test']).toBeDefined();

      await app.strapi.plugin('personalization').service('stats').flush();
      const contents = await redisContents(redis.client);
      expect(contents).not.toContain(granted.body.data.visitorId);
      expect(await redis.client.exists(`psn:{v:${refusing.visitorId}}:e`)).toBe(0);
      const counters = await app.strapi.plugin('personalization').service('store').experiments().experimentCounters(created.body.data.documentId);
      expect(counters.totals).toEqual({});
      // Only what the two browsers' own events wrote, and site-wide counters: no key per stranger.
      expect((await redis.client.dbsize()) - keysBefore).toBeLessThan(20);
      // A known visitor's read is counted.
      await request(app.server).get(`/api/articles/${entry.documentId}`).set('X-Visitor-Token', refusing.token).expect(200);
      expect(Object.values((await app.strapi.plugin('personalization').service('store').experiments().experimentCounters(created.body.data.documentId)).totals)).toEqual([1]);
    });
  });

  describe('hostile input costs nothing', () => {
    it('rate-limits a client before parsing: requests that fail validation count too', async () => {
      const from = nextAddress();
      const statuses: number[] = [];
      for (let i = 0; i < 25; i++) statuses.push((await post({ events: [{ type: 'nope' }] }, from)).status);
      expect(statuses.slice(0, 20).every((status) => status === 400)).toBe(true);
      expect(statuses.slice(20).every((status) => status === 429)).toBe(true);
      const limited = await post({ events: [pageEvent()] }, from).expect(429);
      expect(limited.body.error).toMatchObject({ status: 429, name: 'RateLimitError' });
      // Another client is not affected.
      await post({ events: [pageEvent()] }).expect(202);
    });

    it('refuses rules made to cost: groups past the size cap, prototype names as facts', async () => {
      const validate = (rules: unknown) => request(app.server).post('/personalization/segments/validate').set('Authorization', `Bearer ${adminJwt}`).send({ rules });
      const emptyGroups = await validate({ any: Array.from({ length: 85_000 }, () => ({ all: [] })) }).expect(400);
      expect(emptyGroups.body.error.message).toContain('more than 400 groups and conditions');
      expect(JSON.stringify(emptyGroups.body).length).toBeLessThan(3000);
      for (const fact of ['constructor', 'toString', '__proto__', 'traits.constructor', 'events.__proto__', 'hasOwnProperty']) {
        const response = await validate({ fact, op: 'exists' }).expect(400);
        expect(response.body.error.message).toContain(`unknown fact`);
      }
      const mistakes = await validate({ all: Array.from({ length: 150 }, () => ({ fact: 'nope', op: 'bad', value: {} })) }).expect(400);
      expect(mistakes.body.error.details.errors).toHaveLength(20);
      expect(mistakes.body.error.details.more).toBeGreaterThan(100);
    });
  });
});
