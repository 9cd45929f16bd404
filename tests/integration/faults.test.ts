/**
 * Faults with real processes: a private redis-server killed (SIGKILL) and restarted on the same port
 * from its append-only file, stopped (SIGSTOP) and kept busy (`DEBUG SLEEP`) while a steady load of
 * event batches and content reads runs against the test app; a Redis with an evicting
 * `maxmemory-policy`. What must hold: content reads always answer 200 (the base entry, marked
 * degraded, while Redis is away); ingest answers 202 or 503 with Retry-After; a sender that retries
 * its 503s (and re-sends batches whose answer it lost) ends with profile counters and site-wide
 * counts equal to the distinct events it sent; the plugin reconnects by itself. Strapi restarted
 * mid-stream is `strapi-restart.test.ts`.
 */
import fs from 'fs';
import os from 'os';
import path from 'path';
import { Redis } from 'ioredis';
import request from 'supertest';
import { adminToken } from '../helpers/admin';
import { BROWSER_UA, credentialFor, pageEvent, trackEvent, visitorId } from '../helpers/events';
import { startRedis, type PrivateRedis } from '../helpers/redis-server';
import { startAppProcess } from '../helpers/strapi-process';
import { startTestApp, type TestApp } from '../helpers/strapi-app';
import { sleep, waitFor } from '../helpers/wait-for';
import { SenderLoad } from '../helpers/sender-load';
import { heldInProfile, siteCounts } from '../helpers/event-counts';

const ARTICLE = 'api::article.article';
const BASE_CTA = 'Read more';
const VARIANT_CTA = 'Read the readers’ cut';

describe('faults: Redis killed, restarted, stopped and slow under load', () => {
  let redis: PrivateRedis;
  let app: TestApp;
  let url: string;
  let articleId: string;
  /** A visitor in the `readers` segment, whose reads carry the variant while Redis answers. */
  const reader = visitorId();

  beforeAll(async () => {
    redis = await startRedis({ appendfsync: 'everysec' });
    app = await startTestApp({
      redisUrl: redis.url,
      pluginConfig: {
        ingest: { perIpPerMinute: 1_000_000, perVisitorPerMinute: 1_000_000 },
        // Wide enough that a loaded machine does not serve reads degraded while Redis is healthy.
        resolve: { timeoutMs: 250 },
      },
    });
    url = await app.listen();
    const token = await adminToken(app, { email: 'faults-admin@example.com' });
    const article = await app.strapi.documents(ARTICLE).create({ data: { title: 'Faults', cta: BASE_CTA, topic: 'Ops' }, locale: 'en', status: 'published' } as never);
    articleId = article.documentId;
    const admin = (path: string, body: object) => request(app.server).post(`/personalization${path}`).set('Authorization', `Bearer ${token}`).send(body).expect(201);
    await admin('/segments', { slug: 'readers', name: 'Readers', rules: { fact: 'pageviews', op: 'gte', value: 1 } });
    await admin('/variants', { contentType: ARTICLE, documentId: articleId, locale: 'en', segment: 'readers', fields: { cta: VARIANT_CTA } });
    await request(app.server).post('/api/personalization/events').set('User-Agent', BROWSER_UA).send({ anonymousId: reader, events: [pageEvent()] }).expect(202);
  });

  afterAll(async () => {
    await app?.stop();
    await redis?.stop();
  });

  interface Read {
    startedAt: number;
    endedAt: number;
    status: number;
    cta?: string;
    degraded: boolean;
  }

  const readOnce = async (): Promise<Read> => {
    const startedAt = Date.now();
    const response = await fetch(`${url}/api/articles/${articleId}`, { headers: { 'X-Visitor-Token': credentialFor(app, reader) } });
    const body = (await response.json()) as { data?: { cta?: string }; meta?: { personalization?: { degraded?: boolean } } };
    return { startedAt, endedAt: Date.now(), status: response.status, cta: body.data?.cta, degraded: body.meta?.personalization?.degraded === true };
  };

  /** Reads the article as `reader` in a loop until `stop()`, keeping every answer. */
  const readLoop = () => {
    const reads: Read[] = [];
    let running = true;
    const done = (async () => {
      while (running) {
        reads.push(await readOnce());
        await sleep(20);
      }
    })();
    return {
      reads,
      stop: async () => {
        running = false;
        await done;
      },
    };
  };

  const waitForVariant = () => waitFor('reads to carry the variant again', async () => ((await readOnce()).cta === VARIANT_CTA ? true : undefined), 20_000);

  it('keeps answering while Redis is killed, restarted and stopped, and ends with exact counts', async () => {
    const before = await siteCounts(redis.client);
    const load = new SenderLoad({ url, visitors: 30, credentialOf: (id) => credentialFor(app, id), loseAnswers: 0.1 });
    const reading = readLoop();
    load.start();
    await sleep(1500);

    // 1. Killed: nothing answers; then restarted on the same port from its append-only file.
    const killedAt = Date.now();
    await redis.kill();
    await sleep(2000);
    const restartedAt = Date.now();
    await redis.restart();
    await waitFor('the plugin to reconnect', async () => {
      const health = await request(app.server).get('/api/personalization/health');
      return health.body.data.redis.connected ? true : undefined;
    });
    await waitForVariant();
    await sleep(1000);

    // 2. Stopped longer than the store's command timeout: writes sent meanwhile time out (503)
    // and are then run by Redis once it wakes up; their retries must count once.
    const pausedAt = Date.now();
    redis.pause();
    await sleep(2500);
    const resumedAt = Date.now();
    redis.resume();
    await sleep(1500);

    await load.stop();
    await reading.stop();
    await waitForVariant();

    const { reads } = reading;
    const during = (from: number, to: number) => reads.filter((read) => read.startedAt >= from && read.endedAt <= to);
    // Every read answered, the variant or the base entry marked degraded, nothing in between.
    expect(reads.filter((read) => read.status !== 200)).toEqual([]);
    expect(reads.filter((read) => (read.degraded ? read.cta !== BASE_CTA : read.cta !== VARIANT_CTA))).toEqual([]);
    // While Redis was away: the base entry, degraded, every time.
    const outage = [...during(killedAt, restartedAt), ...during(pausedAt, resumedAt)];
    expect(outage.length).toBeGreaterThan(10);
    expect(outage.filter((read) => !read.degraded)).toEqual([]);

    // Ingest answered 202, or 503 with Retry-After; the faults did produce 503s.
    const { answers } = load;
    if (process.env.PSN_FAULTS_REPORT) console.log(JSON.stringify({ answers, reads: reads.length, outageReads: outage.length, degraded: reads.filter((read) => read.degraded).length, sent: load.totals() }));
    expect(answers.other).toEqual([]);
    expect(answers.unavailableWithoutRetryAfter).toBe(0);
    expect(answers.unavailable).toBeGreaterThan(0);
    expect(answers.resentAfterLostAnswer).toBeGreaterThan(0);

    // Profiles: each visitor's counters are the distinct events sent for it.
    for (const [id, counts] of load.sent()) expect([id, await heldInProfile(redis.client, id)]).toEqual([id, counts]);
    // Site-wide counts too.
    const totals = load.totals();
    expect(totals.pages).toBeGreaterThan(100);
    const after = await siteCounts(redis.client);
    expect({ pages: after.pages, tracks: after.tracks }).toEqual({ pages: before.pages + totals.pages, tracks: before.tracks + totals.tracks });
  });

  it('serves the base entry, degraded, while Redis is stopped (SIGSTOP), before it resumes', async () => {
    await waitForVariant();
    redis.pause();
    try {
      // Answered while the process is stopped: Redis resumes only after this read.
      const read = await readOnce();
      expect([read.status, read.cta, read.degraded]).toEqual([200, BASE_CTA, true]);
    } finally {
      redis.resume();
    }
  });

  it('serves the base entry, degraded, while Redis is busy (DEBUG SLEEP), before Redis answers again', async () => {
    await waitForVariant();
    const busy = new Redis({ port: redis.port });
    let slept = false;
    const sleeping = busy.call('DEBUG', 'SLEEP', '2').then(() => (slept = true));
    try {
      // Time for DEBUG SLEEP to reach Redis: from then on every other command waits behind it.
      await sleep(100);
      const read = await readOnce();
      expect([read.status, read.cta, read.degraded, slept]).toEqual([200, BASE_CTA, true, false]);
    } finally {
      await sleeping;
      busy.disconnect();
    }
  });

  it('keeps profiles written more than a second before a SIGKILL, from the append-only file (appendfsync everysec)', async () => {
    const visitors = Array.from({ length: 20 }, () => visitorId());
    for (const id of visitors) {
      await request(app.server)
        .post('/api/personalization/events')
        .set('User-Agent', BROWSER_UA)
        .set('X-Visitor-Token', credentialFor(app, id))
        .send({ events: [pageEvent(), pageEvent(), trackEvent('Clip Played')] })
        .expect(202);
    }
    // Past the one-second fsync of `everysec`: these writes are on disk, whatever happens next.
    await sleep(1500);
    await redis.kill();
    await redis.restart();
    await waitFor('the plugin to reconnect', async () => ((await request(app.server).get('/api/personalization/health')).body.data.redis.connected ? true : undefined));
    for (const id of visitors) {
      const profile = await redis.client.hgetall(`psn:{v:${id}}:p`);
      expect([id, profile.pv, profile['e:Clip Played']]).toEqual([id, '2', '1']);
    }
    // The plugin writes again through the same connection.
    await request(app.server).post('/api/personalization/events').set('User-Agent', BROWSER_UA).set('X-Visitor-Token', credentialFor(app, visitors[0])).send({ events: [pageEvent()] }).expect(202);
    expect(await redis.client.hget(`psn:{v:${visitors[0]}}:p`, 'pv')).toBe('3');
  });
});

describe('faults: a Redis that may evict the plugin’s keys', () => {
  it('is warned about at boot, with the setting to use, and reported on the health endpoint', async () => {
    const redis = await startRedis({ args: ['--maxmemory', '100mb', '--maxmemory-policy', 'allkeys-lru'] });
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'psn-faults-'));
    const instance = await startAppProcess({ redisUrl: redis.url, databaseFile: path.join(dir, 'data.db'), logLevel: 'warn' });
    try {
      expect(instance.output()).toMatch(/maxmemory-policy is allkeys-lru: .*deletes any key.*set maxmemory-policy to noeviction/);
      const health = (await (await fetch(`${instance.url}/api/personalization/health`)).json()) as { data: { redis: { maxmemoryPolicy: string }; warnings: string[] } };
      expect(health.data.redis.maxmemoryPolicy).toBe('allkeys-lru');
      expect(health.data.warnings).toEqual([expect.stringContaining('set maxmemory-policy to noeviction')]);
      // Fixed while running: the next connection's check finds nothing more to say.
      await redis.client.config('SET', 'maxmemory-policy', 'noeviction');
      await redis.client.call('CLIENT', 'KILL', 'TYPE', 'normal', 'SKIPME', 'yes');
      await waitFor('the policy to be checked again', async () => {
        const again = (await (await fetch(`${instance.url}/api/personalization/health`)).json()) as { data: { redis: { maxmemoryPolicy: string }; warnings: string[] } };
        return again.data.redis.maxmemoryPolicy === 'noeviction' && again.data.warnings.length === 0 ? true : undefined;
      });
    } finally {
      await instance.stop();
      await redis.stop();
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });

  it('says at boot when the policy cannot be read (CONFIG renamed away, as on managed Redis)', async () => {
    const redis = await startRedis({ args: ['--rename-command', 'CONFIG', ''] });
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'psn-faults-'));
    const instance = await startAppProcess({ redisUrl: redis.url, databaseFile: path.join(dir, 'data.db'), logLevel: 'info' });
    try {
      expect(instance.output()).toMatch(/could not read Redis maxmemory-policy \(ERR unknown command .config.*make sure it is noeviction/i);
      expect(instance.output()).not.toMatch(/\bwarn\b.*maxmemory-policy/);
      const health = (await (await fetch(`${instance.url}/api/personalization/health`)).json()) as { data: { redis: { maxmemoryPolicy: string | null }; warnings: string[] } };
      expect(health.data).toMatchObject({ status: 'ok', redis: { connected: true, maxmemoryPolicy: null }, warnings: [] });
    } finally {
      await instance.stop();
      await redis.stop();
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });
});
