/**
 * Strapi stopped mid-stream and started again (two processes in turn on one database and one
 * Redis), under a steady load of senders that retry until their batches are accepted:
 * - SIGTERM (a graceful stop, as an orchestrator sends it): batches under way finish, later ones
 *   are refused, every buffer is flushed: no accepted event is lost, nor any buffered counter;
 * - SIGKILL (a crash): profiles and the site-wide event counts are written with the events, so
 *   they are exact too; counters buffered in process (segment entries here) may be lost, up to one
 *   flush interval (a second), which the test measures (`PSN_FAULTS_REPORT=1` prints it).
 */
import fs from 'fs';
import os from 'os';
import path from 'path';
import { credentialFromSecret, IDENTITY_SECRET } from '../helpers/events';
import { heldInProfile, siteCounts } from '../helpers/event-counts';
import { startRedis, type PrivateRedis } from '../helpers/redis-server';
import { SenderLoad } from '../helpers/sender-load';
import { startAppProcess, type AppProcess } from '../helpers/strapi-process';
import { sleep } from '../helpers/wait-for';

const pluginConfig = {
  identity: { secret: IDENTITY_SECRET },
  ingest: { perIpPerMinute: 1_000_000, perVisitorPerMinute: 1_000_000 },
  segments: [{ slug: 'viewers', name: 'Viewers', rules: { fact: 'pageviews', op: 'gte', value: 1 } }],
};

describe('faults: Strapi restarted mid-stream', () => {
  let redis: PrivateRedis;
  let dir: string;

  beforeAll(async () => {
    redis = await startRedis();
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'psn-restart-'));
  });

  afterAll(async () => {
    await redis?.stop();
    if (dir) fs.rmSync(dir, { recursive: true, force: true });
  });

  it.each([
    ['SIGTERM', (instance: AppProcess) => instance.terminate()],
    ['SIGKILL', (instance: AppProcess) => instance.kill()],
  ] as const)('loses no accepted event when stopped with %s', async (signal, stop) => {
    const databaseFile = path.join(dir, `${signal}.db`);
    let current = await startAppProcess({ redisUrl: redis.url, databaseFile, pluginConfig });
    const before = await siteCounts(redis.client);
    const load = new SenderLoad({ url: () => current.url, visitors: 20, credentialOf: (id) => credentialFromSecret(id), loseAnswers: 0.05 });
    try {
      load.start();
      await sleep(1500);
      await stop(current);
      current = await startAppProcess({ redisUrl: redis.url, databaseFile, pluginConfig });
      await sleep(1500);
      await load.stop();
    } finally {
      await current.stop();
    }

    expect(load.answers.other).toEqual([]);
    expect(load.answers.unavailableWithoutRetryAfter).toBe(0);
    const sent = load.sent();
    for (const [id, counts] of sent) expect([id, await heldInProfile(redis.client, id)]).toEqual([id, counts]);
    const totals = load.totals();
    const after = await siteCounts(redis.client);
    expect({ pages: after.pages - before.pages, tracks: after.tracks - before.tracks }).toEqual(totals);
    // Every visitor entered the segment once, on its first batch: a counter buffered in process.
    const entered = (after.counters['segment:viewers:entered'] ?? 0) - (before.counters['segment:viewers:entered'] ?? 0);
    if (process.env.PSN_FAULTS_REPORT) {
      console.log(JSON.stringify({ signal, answers: load.answers, events: totals.pages + totals.tracks, segmentEntries: { visitors: sent.size, counted: entered } }));
    }
    if (signal === 'SIGTERM') expect(entered).toBe(sent.size);
    else expect(entered).toBeLessThanOrEqual(sent.size);
  });
});
