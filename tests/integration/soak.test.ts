/**
 * Load without loss: a real Strapi process and a private redis-server under a steady, open-loop
 * stream of event batches from 1,000 visitors for 15 s (`soak-driver.ts`), with 5 % of answers
 * dropped on purpose (the request sent whole, the socket closed unread) and every 503, dropped answer
 * or missing answer retried with the same messageIds. Afterwards every counter of those events equals
 * the distinct events sent, exactly: each visitor's profile counters, their daily buckets and events
 * per hour of the week; the site-wide events per type; retries counted as duplicates, not as events.
 * No timing here: latency under load is `npm run bench -- soak`.
 *
 * That it can fail was checked by breaking de-duplication in the apply script (a messageId already
 * seen was applied again: `if id and seen[id]` made `if false`): every visitor whose batch was sent
 * twice held too many page views and tracks, and the site-wide counts were over by the re-sent events.
 */
import fs from 'fs';
import os from 'os';
import path from 'path';
import { isDeepStrictEqual } from 'util';
import { expectedOfVisitor, heldByVisitor, siteCounts, sumCounts } from '../helpers/event-counts';
import { credentialFromSecret, IDENTITY_SECRET, visitorId } from '../helpers/events';
import { startRedis, type PrivateRedis } from '../helpers/redis-server';
import { duplicatesRange, runSoak } from '../helpers/soak-driver';
import { startAppProcess, type AppProcess } from '../helpers/strapi-process';

describe('soak: a steady load with retries and dropped answers', () => {
  let redis: PrivateRedis;
  let app: AppProcess;
  let dir: string;

  beforeAll(async () => {
    redis = await startRedis();
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'psn-soak-'));
    app = await startAppProcess({
      redisUrl: redis.url,
      databaseFile: path.join(dir, 'data.db'),
      pluginConfig: { identity: { secret: IDENTITY_SECRET }, ingest: { perIpPerMinute: 1_000_000, perVisitorPerMinute: 1_000_000 } },
    });
  });

  afterAll(async () => {
    await app?.stop();
    await redis?.stop();
    if (dir) fs.rmSync(dir, { recursive: true, force: true });
  });

  it('counts every distinct event once, in every visitor’s counters and site-wide', async () => {
    const visitors = Array.from({ length: 1_000 }, () => visitorId());
    const report = await runSoak({
      url: app.url,
      visitors,
      credentialOf: (id) => credentialFromSecret(id),
      // Below what the benchmark measured on this machine even when busy (167 batches/s at the
      // least); a server that falls behind only makes the test longer.
      batchesPerSecond: 120,
      durationMs: 15_000,
      maxInFlight: 64,
      dropAnswers: 0.05,
    });
    if (process.env.PSN_FAULTS_REPORT) console.log(JSON.stringify({ ...report, sent: sumCounts(report.sent.values()), latenciesMs: report.latenciesMs.length }));

    expect(report.other).toEqual([]);
    expect(report.requests.dropped).toBeGreaterThan(50);
    // Every visitor: its counters, their daily buckets and its events per hour of the week.
    const wrong: object[] = [];
    for (const [id, sent] of report.sent) {
      const held = await heldByVisitor(redis.client, id);
      if (!isDeepStrictEqual(held, expectedOfVisitor(sent))) wrong.push({ id, sent, held });
    }
    expect(wrong).toEqual([]);

    // Site-wide: events per type exactly; what retries brought again counted as duplicates.
    const sent = sumCounts(report.sent.values());
    const site = await siteCounts(redis.client);
    expect({ pages: site.pages, tracks: site.tracks }).toEqual(sent);
    const [fewest, most] = duplicatesRange(report);
    expect(fewest).toBeGreaterThan(0);
    expect(site.duplicates).toBeGreaterThanOrEqual(fewest);
    expect(site.duplicates).toBeLessThanOrEqual(most);
    // Active visitors is a HyperLogLog: an estimate within a few percent, not a count.
    expect(Math.abs(site.activeVisitors - visitors.length)).toBeLessThanOrEqual(visitors.length * 0.03);
  }, 120_000);
});
