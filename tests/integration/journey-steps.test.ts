/**
 * The journey-step record (issue 16) through the real ingest endpoint of a booted Strapi with a
 * private redis-server: what a batch records, in which order, up to the cap; a retried batch
 * records nothing more; the readable profile and the export show the steps; two devices of one
 * user interleave theirs by time; erase leaves nothing.
 */
import request from 'supertest';
import { decodeStep, type JourneyStep } from '../../server/src/journeys/journey-step';
import { BROWSER_UA, IDENTITY_SECRET, isoAgo, pageEvent, trackEvent, userHashOf } from '../helpers/events';
import { redisContents } from '../helpers/redis-contents';
import { startRedis, type PrivateRedis } from '../helpers/redis-server';
import { startTestApp, type TestApp } from '../helpers/strapi-app';

const CAP = 4;

describe('journey steps in the profile', () => {
  let redis: PrivateRedis;
  let app: TestApp;

  beforeAll(async () => {
    redis = await startRedis();
    app = await startTestApp({
      redisUrl: redis.url,
      pluginConfig: { identity: { secret: IDENTITY_SECRET }, profile: { journeySteps: CAP } },
    });
  });

  afterAll(async () => {
    await app?.stop();
    await redis?.stop();
  });

  const post = (body: unknown) => request(app.server).post('/api/personalization/events').set('User-Agent', BROWSER_UA).send(body as object);
  const newBrowser = async (events: unknown[]) => {
    const response = await post({ events }).expect(202);
    return { visitorId: response.body.data.visitorId as string, token: response.body.data.visitorToken as string };
  };
  /** The record as Redis holds it, decoded: newest first. */
  const storedSteps = async (visitorId: string): Promise<(JourneyStep | undefined)[]> =>
    (await redis.client.lrange(`psn:{v:${visitorId}}:j`, 0, -1)).map(decodeStep);
  const seconds = (iso: string) => Math.floor(Date.parse(iso) / 1000);
  const at = (secondsAgo: number) => isoAgo(secondsAgo, Math.floor(Date.now() / 1000) * 1000);

  it('records page views and track events of a batch in time order, newest first, with the entry type and topics, up to the cap', async () => {
    const times = [at(600), at(500), at(400), at(300), at(200), at(100)];
    // Sent out of order: the batch is applied in time order.
    const browser = await newBrowser([
      trackEvent('Video Playback Started', { timestamp: times[2], category: 'video', properties: { contentType: 'api::movie.movie', documentId: 'movie-1' } }),
      pageEvent({ timestamp: times[0], name: 'Home' }),
      pageEvent({ timestamp: times[1], properties: { contentType: 'article', documentId: 'doc-1', topics: ['Tech', 'AI', 'Cloud', 'Web'] } }),
      // Not steps: how a page was read, who the visitor is.
      trackEvent('Scroll Depth', { timestamp: times[3], properties: { depth: 50 } }),
      { type: 'identify', timestamp: times[3], traits: { plan: 'pro' } },
      // A content type that is not personalized is not recorded as one.
      pageEvent({ timestamp: times[4], name: 'About', properties: { contentType: 'api::author.author', documentId: 'a-1' } }),
    ]);
    expect(await storedSteps(browser.visitorId)).toEqual([
      { ts: seconds(times[4]), kind: 'page', name: 'About' },
      { ts: seconds(times[2]), kind: 'event', name: 'Video Playback Started', category: 'video', contentType: 'api::movie.movie' },
      { ts: seconds(times[1]), kind: 'page', name: '', contentType: 'api::article.article', topics: ['Tech', 'AI', 'Cloud'] },
      { ts: seconds(times[0]), kind: 'page', name: 'Home' },
    ]);

    // The next batch pushes the oldest out: the record holds the latest CAP steps.
    await post({ visitorToken: browser.token, events: [trackEvent('Signup', { timestamp: times[5] })] }).expect(202);
    const steps = await storedSteps(browser.visitorId);
    expect(steps).toHaveLength(CAP);
    expect(steps.map((step) => step?.name)).toEqual(['Signup', 'About', 'Video Playback Started', '']);

    // The readable profile shows them, newest first.
    const read = await request(app.server).get('/api/personalization/profile').set('X-Visitor-Token', browser.token).expect(200);
    expect(read.body.data.profile.steps).toEqual([
      { at: new Date(seconds(times[5]) * 1000).toISOString(), kind: 'event', name: 'Signup', category: null, contentType: null, topics: [] },
      { at: new Date(seconds(times[4]) * 1000).toISOString(), kind: 'page', name: 'About', category: null, contentType: null, topics: [] },
      {
        at: new Date(seconds(times[2]) * 1000).toISOString(),
        kind: 'event',
        name: 'Video Playback Started',
        category: 'video',
        contentType: 'api::movie.movie',
        topics: [],
      },
      { at: new Date(seconds(times[1]) * 1000).toISOString(), kind: 'page', name: '', category: null, contentType: 'api::article.article', topics: ['Tech', 'AI', 'Cloud'] },
    ]);
  });

  it('records nothing for a batch sent again (events already stored are duplicates)', async () => {
    const batch = [pageEvent({ timestamp: at(300), name: 'Pricing' }), trackEvent('Plan Chosen', { timestamp: at(200) })];
    const browser = await newBrowser(batch);
    const first = await storedSteps(browser.visitorId);
    const again = await post({ visitorToken: browser.token, events: batch }).expect(202);
    expect(again.body.data).toMatchObject({ accepted: 0, duplicates: 2 });
    expect(await storedSteps(browser.visitorId)).toEqual(first);
    expect(first.map((step) => step?.name)).toEqual(['Plan Chosen', 'Pricing']);
  });

  it('exports the steps, readable and as stored', async () => {
    const browser = await newBrowser([pageEvent({ timestamp: at(60), name: 'Checkout', category: 'shop' })]);
    const response = await request(app.server).get('/api/personalization/profile?export=true').set('X-Visitor-Token', browser.token).expect(200);
    const { profile, stored } = response.body.data;
    expect(profile.steps).toEqual([{ at: new Date(seconds(at(60)) * 1000).toISOString(), kind: 'page', name: 'Checkout', category: 'shop', contentType: null, topics: [] }]);
    expect(stored.steps).toEqual([`[${seconds(at(60))},"p","Checkout","shop"]`]);
  });

  it("interleaves two devices' steps by time when they merge into one user, newest first, capped", async () => {
    const laptop = await newBrowser([pageEvent({ timestamp: at(900), name: 'laptop-1' }), pageEvent({ timestamp: at(500), name: 'laptop-2' })]);
    const phone = await newBrowser([pageEvent({ timestamp: at(700), name: 'phone-1' }), pageEvent({ timestamp: at(300), name: 'phone-2' })]);
    const proof = { userId: 'steps-user', userHash: userHashOf('steps-user') };
    await post({ visitorToken: laptop.token, ...proof, events: [trackEvent('Logged In', { timestamp: at(400) })] }).expect(202);
    const merged = await post({ visitorToken: phone.token, ...proof, events: [trackEvent('Logged In', { timestamp: at(100) })] }).expect(202);
    expect(merged.body.data.visitorId).toBe(laptop.visitorId);
    // laptop-1 is the oldest of six steps: the cap of 4 leaves it and phone-1 out.
    expect((await storedSteps(laptop.visitorId)).map((step) => step?.name)).toEqual(['Logged In', 'phone-2', 'Logged In', 'laptop-2']);
    expect(await redis.client.exists(`psn:{v:${phone.visitorId}}:j`)).toBe(0);
  });

  it('erases the record with the profile', async () => {
    const browser = await newBrowser([pageEvent({ timestamp: at(60), name: 'Secret Page' })]);
    expect(await redis.client.exists(`psn:{v:${browser.visitorId}}:j`)).toBe(1);
    await request(app.server).delete('/api/personalization/profile').set('X-Visitor-Token', browser.token).expect(200);
    const after = await redisContents(redis.client);
    expect(after).not.toContain(browser.visitorId);
    expect(after).not.toContain('Secret Page');
  });
});
