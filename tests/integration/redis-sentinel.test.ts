/**
 * Redis behind Sentinel (`redis.sentinel`): the plugin finds the master through the sentinel and
 * follows a failover by itself. Events sent while the master is down and the replica is being
 * promoted are answered 503 (the sender retries); every accepted event is in the new master.
 */
import request from 'supertest';
import { BROWSER_UA, credentialFor, IDENTITY_SECRET, pageEvent } from '../helpers/events';
import { startSentinelGroup, type PrivateSentinelGroup } from '../helpers/redis-sentinel';
import { startTestApp, type TestApp } from '../helpers/strapi-app';
import { sleep, waitFor } from '../helpers/wait-for';

describe('Redis behind Sentinel', () => {
  let group: PrivateSentinelGroup;
  let app: TestApp;

  beforeAll(async () => {
    group = await startSentinelGroup();
    app = await startTestApp({ pluginConfig: { redis: { sentinel: group.sentinel }, identity: { secret: IDENTITY_SECRET } } });
  }, 120_000);

  afterAll(async () => {
    await app?.stop();
    await group?.stop();
  });

  /** Sends one page view, retrying 503s (Retry-After) as a sender should; resolves when accepted. */
  const sendPage = async (visitor: string) => {
    // One event, re-sent as it is: a retry of an answer lost after the write is a duplicate, not a second view.
    const event = pageEvent();
    for (let attempt = 0; attempt < 100; attempt += 1) {
      const answer = await request(app.server)
        .post('/api/personalization/events')
        .set('User-Agent', BROWSER_UA)
        .send({ visitorToken: credentialFor(app, visitor), events: [event] });
      if (answer.status === 202) return;
      expect(answer.status).toBe(503);
      expect(answer.headers['retry-after']).toBeDefined();
      await sleep(200);
    }
    throw new Error('never accepted');
  };

  it('writes to the master the sentinel names, and follows a failover to the promoted replica', async () => {
    const visitor = 'sentinel-visitor-1';
    for (let index = 0; index < 5; index += 1) await sendPage(visitor);
    expect(await group.master.client.hget(`psn:{v:${visitor}}:p`, 'pv')).toBe('5');
    // Replication is asynchronous: what the replica had not received when the master died is lost
    // (Redis's documented window). Wait for it, so that the count below is exact.
    await waitFor('the replica to have the five page views', async () => ((await group.replica.client.hget(`psn:{v:${visitor}}:p`, 'pv')) === '5' ? true : undefined));

    await group.loseMaster();
    for (let index = 0; index < 5; index += 1) await sendPage(visitor);
    // The promoted replica holds all ten page views.
    expect(await group.masterPort()).toBe(group.replica.port);
    expect(await group.replica.client.hget(`psn:{v:${visitor}}:p`, 'pv')).toBe('10');
    const health = await request(app.server).get('/api/personalization/health').expect(200);
    expect(health.body.data.status).toBe('ok');
  }, 90_000);
});
