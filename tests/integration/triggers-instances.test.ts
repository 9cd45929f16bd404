/**
 * Triggers across Strapi instances sharing one Redis and one database, as behind a load balancer:
 * every due check and delivery is worked once, and pending deliveries survive a restart and a crash
 * (kept in Redis; a crashed instance's claim comes back when its lease ends).
 */
import fs from 'fs';
import os from 'os';
import path from 'path';
import request from 'supertest';
import { adminToken } from '../helpers/admin';
import { BROWSER_UA, credentialFor, IDENTITY_SECRET, trackEvent, visitorId } from '../helpers/events';
import { startReceiver, type Receiver } from '../helpers/http-receiver';
import { startRedis, type PrivateRedis } from '../helpers/redis-server';
import { startAppProcess, type AppProcess } from '../helpers/strapi-process';
import { startTestApp, type TestApp } from '../helpers/strapi-app';
import { sleep, waitFor } from '../helpers/wait-for';

const SECRET = 'mailer-signing-secret-0123456789';
const LEASE_SEC = 4;


describe('triggers on several instances', () => {
  let redis: PrivateRedis;
  let receiver: Receiver;
  let first: TestApp;
  let second: AppProcess | undefined;
  const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'psn-triggers-'));
  const databaseFile = path.join(tmp, 'shared.db');
  let pluginConfig: Record<string, unknown>;
  /** Signs visitor credentials; kept beyond the first instance's life (the same secret on every instance). */
  let credential: (visitorId: string) => string;

  beforeAll(async () => {
    redis = await startRedis();
    receiver = await startReceiver();
    pluginConfig = {
      identity: { secret: IDENTITY_SECRET },
      triggers: {
        destinations: [{ name: 'mailer', url: receiver.url, secret: SECRET, timeoutMs: 3_000 }],
        pollMs: 50,
        retryBaseSec: 1,
        retryMaxSec: 1,
        maxAttempts: 5,
        leaseSec: LEASE_SEC,
      },
    };
    first = await startTestApp({ redisUrl: redis.url, databaseFile, pluginConfig });
    const token = await adminToken(first, { email: 'triggers-instances@example.com' });
    const signer = { strapi: first.strapi };
    credential = (visitor) => credentialFor(signer, visitor);
    const create = (body: object) => request(first.server).post('/personalization/triggers').set('Authorization', `Bearer ${token}`).send(body).expect(201);
    await create({ name: 'Welcome', slug: 'welcome', condition: { type: 'event', event: 'Signed Up' }, actions: { outbound: { destination: 'mailer' } } });
    await create({
      name: 'Cart abandoned',
      slug: 'cart-abandoned',
      condition: { type: 'absence', event: 'Product Added', unless: { event: 'Order Completed' }, within: '1s' },
      actions: { outbound: { destination: 'mailer' } },
    });
    await create({ name: 'Restart', slug: 'restart', condition: { type: 'event', event: 'Restart Test' }, actions: { outbound: { destination: 'mailer' } } });
    // Started after the triggers exist: it reads them at boot.
    second = await startAppProcess({ redisUrl: redis.url, databaseFile, pluginConfig });
  }, 180_000);

  afterAll(async () => {
    await second?.stop();
    await first?.stop();
    await receiver?.stop();
    await redis?.stop();
    fs.rmSync(tmp, { recursive: true, force: true });
  });

  const sendTo = async (baseUrl: string, visitor: string, events: object[]) => {
    const response = await fetch(`${baseUrl}/api/personalization/events`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'user-agent': BROWSER_UA },
      body: JSON.stringify({ visitorToken: credential(visitor), events }),
    });
    expect(response.status).toBe(202);
  };
  const keysOf = (trigger: string) => receiver.received.filter((received) => received.json.trigger === trigger).map((received) => String(received.headers['idempotency-key']));

  it('works every due item once: 40 deliveries and 20 absence checks, events sent to both instances', async () => {
    const firstUrl = await first.listen();
    const welcomed = Array.from({ length: 40 }, () => visitorId());
    const abandoners = Array.from({ length: 20 }, () => visitorId());
    await Promise.all([
      ...welcomed.map((visitor, index) => sendTo(index % 2 ? second!.url : firstUrl, visitor, [trackEvent('Signed Up')])),
      ...abandoners.map((visitor, index) => sendTo(index % 2 ? firstUrl : second!.url, visitor, [trackEvent('Product Added')])),
    ]);
    await waitFor('60 deliveries', () => (keysOf('welcome').length >= 40 && keysOf('cart-abandoned').length >= 20) || undefined, 20_000);
    // Time for any second delivery to show up (both instances poll every 50 ms).
    await sleep(2_000);
    expect(keysOf('welcome')).toHaveLength(40);
    expect(new Set(keysOf('welcome')).size).toBe(40);
    expect(keysOf('cart-abandoned')).toHaveLength(20);
    expect(new Set(receiver.received.filter((received) => received.json.trigger === 'cart-abandoned').map((received) => (received.json.visitor as { id: string }).id))).toEqual(
      new Set(abandoners)
    );
  }, 60_000);

  it('loses nothing when instances stop mid-retry, and re-delivers a crashed instance\'s claim after its lease', async () => {
    // Only the out-of-process instance runs: the in-process one stops (a restart of the fleet, one by one).
    await first.stop();
    first = undefined as unknown as TestApp;
    let failing = true;
    receiver.respond = (received) => (received.json.trigger === 'restart' && failing ? 503 : 200);
    const visitor = visitorId();
    await sendTo(second!.url, visitor, [trackEvent('Restart Test')]);
    await waitFor('the first failed attempt', () => keysOf('restart').length >= 1 || undefined, 20_000);
    // Stopped while the retry waits in Redis; started again later, with the receiver back.
    await second!.stop();
    failing = false;
    second = await startAppProcess({ redisUrl: redis.url, databaseFile, pluginConfig });
    await waitFor('the retried delivery', () => receiver.received.some((received) => received.json.trigger === 'restart' && received.status === 200) || undefined, 20_000);
    await sleep(1_000);
    const attempts = receiver.received.filter((received) => received.json.trigger === 'restart');
    expect(attempts.map((received) => received.status)).toEqual(attempts.map((_, index) => (index < attempts.length - 1 ? 503 : 200)));
    expect(attempts.filter((received) => received.status === 200)).toHaveLength(1);
    expect(new Set(attempts.map((received) => received.headers['idempotency-key'])).size).toBe(1);

    // A crash mid-delivery: the receiver holds the first request; the instance dies with its claim.
    const crashVisitor = visitorId();
    const arrivals: number[] = [];
    receiver.respond = async (received) => {
      if ((received.json.visitor as { id: string } | undefined)?.id !== crashVisitor) return 200;
      arrivals.push(Date.now());
      if (arrivals.length === 1) await sleep(2_000);
      return 200;
    };
    await sendTo(second!.url, crashVisitor, [trackEvent('Signed Up')]);
    await waitFor('the held delivery', () => arrivals.length >= 1 || undefined, 20_000);
    await second!.kill();
    second = await startAppProcess({ redisUrl: redis.url, databaseFile, pluginConfig });
    // The claim was never settled: it comes back when the lease ends, and another instance delivers
    // it under the same idempotency key (at least once; a receiver drops the repeat).
    await waitFor('the re-delivery after the lease', () => arrivals.length >= 2 || undefined, 30_000);
    expect(arrivals[1] - arrivals[0]).toBeGreaterThanOrEqual(LEASE_SEC * 1000 - 500);
    await sleep(1_000);
    const toCrashVisitor = receiver.received.filter((received) => (received.json.visitor as { id: string }).id === crashVisitor);
    expect(new Set(toCrashVisitor.map((received) => received.headers['idempotency-key'])).size).toBe(1);
    expect(arrivals).toHaveLength(2);
  }, 120_000);
});
