import request from 'supertest';
import { BROWSER_UA, isoAgo, pageEvent, trackEvent } from '../helpers/events';
import { startRedis, type PrivateRedis } from '../helpers/redis-server';
import { startTestApp, type TestApp } from '../helpers/strapi-app';

/**
 * Bounces through the real ingest endpoint: a page view of an entry left within
 * `profile.bounceSeconds` without interaction counts `bounces.<topic>` for the entry's topics, lowers
 * their affinity, shows in the profile and its export, and puts the visitor in segments that ask.
 */
describe('bounces', () => {
  let redis: PrivateRedis;
  let app: TestApp;
  let movie: { documentId: string };

  beforeAll(async () => {
    redis = await startRedis();
    app = await startTestApp({
      redisUrl: redis.url,
      pluginConfig: {
        segments: [
          { slug: 'horror-bouncers', name: 'Horror bouncers', rules: { fact: 'bounces.Horror', op: 'gte', value: 2 } },
          { slug: 'recent-horror-bouncers', name: 'Recent horror bouncers', rules: { fact: 'bounces.Horror', op: 'gte', value: 2, window: '7d' } },
        ],
      },
    });
    movie = await app.strapi.documents('api::movie.movie').create({ data: { title: 'Alien', genres: ['Horror', 'Sci-Fi'] }, status: 'published' });
  });

  afterAll(async () => {
    await app?.stop();
    await redis?.stop();
  });

  const post = (body: unknown) => request(app.server).post('/api/personalization/events').set('User-Agent', BROWSER_UA).send(body as object);
  const entry = () => ({ contentType: 'api::movie.movie', documentId: movie.documentId });
  /** A view of the movie and the page's final report, as the tracker sends them. */
  const visit = (agoSec: number, leave: { total: number; interacted: boolean }) => [
    pageEvent({ timestamp: isoAgo(agoSec), properties: entry() }),
    trackEvent('Dwell Time', {
      timestamp: isoAgo(agoSec - leave.total),
      properties: { seconds: leave.total, total: leave.total, left: true, interacted: leave.interacted, ...entry() },
    }),
  ];
  const score = (stored: string | undefined) => Number(stored?.split('|')[0]);

  it('counts a quick, untouched leave as a bounce for each topic of the entry and lowers their affinity', async () => {
    const bounced = await post({ events: visit(600, { total: 3, interacted: false }) }).expect(202);
    const { visitorId, visitorToken } = bounced.body.data;
    const engaged = await post({ events: visit(600, { total: 3, interacted: true }) }).expect(202);
    const lingered = await post({ events: visit(600, { total: 45, interacted: false }) }).expect(202);

    const fields = await redis.client.hgetall(`psn:{v:${visitorId}}:p`);
    expect(fields).toMatchObject({ 'b:Horror': '1', 'b:Sci-Fi': '1', pv: '1' });
    const windows = await redis.client.hgetall(`psn:{v:${visitorId}}:w`);
    expect(Object.entries(windows).filter(([key]) => key.endsWith(':b:Horror')).map(([, count]) => count)).toEqual(['1']);
    // The view added 1, the bounce took 0.5 (profile.bounceWeight) where any other report adds 1.
    expect(score(fields['t:Horror'])).toBe(500);
    for (const other of [engaged, lingered]) {
      const otherFields = await redis.client.hgetall(`psn:{v:${other.body.data.visitorId}}:p`);
      expect(Object.keys(otherFields).filter((field) => field.startsWith('b:'))).toEqual([]);
      expect(score(otherFields['t:Horror'])).toBe(2000);
    }
    expect(bounced.body.data.segments).toEqual([]);

    // A second bounce: the segments that ask for two now hold the visitor.
    const again = await post({ visitorToken, events: visit(60, { total: 1, interacted: false }) }).expect(202);
    expect([...again.body.data.segments].sort()).toEqual(['horror-bouncers', 'recent-horror-bouncers']);
    const profile = await request(app.server).get('/api/personalization/profile').set('X-Visitor-Token', visitorToken).expect(200);
    expect(profile.body.data.profile.bounces).toEqual({ Horror: 2, 'Sci-Fi': 2 });
    expect(Object.keys(profile.body.data.profile.topics).sort()).toEqual(['Horror', 'Sci-Fi']);
    const exported = await request(app.server).get('/api/personalization/profile?export=true').set('X-Visitor-Token', visitorToken).expect(200);
    expect(exported.body.data.profile.bounces).toEqual({ Horror: 2, 'Sci-Fi': 2 });
    expect(exported.body.data.stored.fields).toMatchObject({ 'b:Horror': '2' });
  });

  it('counts no bounce for a leave report of a page without an entry, and never takes affinity below 0', async () => {
    const { body } = await post({
      events: [
        pageEvent({ timestamp: isoAgo(30) }),
        trackEvent('Dwell Time', { timestamp: isoAgo(28), properties: { seconds: 2, total: 2, left: true, interacted: false } }),
      ],
    }).expect(202);
    const fields = await redis.client.hgetall(`psn:{v:${body.data.visitorId}}:p`);
    expect(Object.keys(fields).filter((field) => field.startsWith('b:') || field.startsWith('t:'))).toEqual([]);

    // Bounces reported without the view that added to the affinity: the score stays at 0.
    const leaves = [1, 2, 3].map((i) => visit(300 - i * 10, { total: 2, interacted: false })[1]);
    const floor = await post({ events: leaves }).expect(202);
    const floored = await redis.client.hgetall(`psn:{v:${floor.body.data.visitorId}}:p`);
    expect(floored).toMatchObject({ 'b:Horror': '3' });
    expect(score(floored['t:Horror'])).toBe(0);
  });
});
