/**
 * Scale-out as it is deployed: two Strapi instances (one in this process, one a separate process)
 * on one PostgreSQL and a 3-master Redis Cluster, requests alternating between them as a load
 * balancer without sticky sessions would send them. Every per-visitor operation must stay inside one
 * hash slot; on a real cluster a script or transaction that spans two slots fails (CROSSSLOT), so
 * each operation run here is that check.
 */
import request from 'supertest';
import clusterKeySlot from 'cluster-key-slot';
import { adminToken } from '../helpers/admin';
import { BROWSER_UA, credentialFor, pageEvent, trackEvent } from '../helpers/events';
import { startPostgres, type PrivatePostgres } from '../helpers/postgres-server';
import { startRedisCluster, type PrivateRedisCluster } from '../helpers/redis-cluster';
import { startAppProcess, type AppProcess } from '../helpers/strapi-process';
import { startTestApp, type TestApp } from '../helpers/strapi-app';
import { sleep } from '../helpers/wait-for';

/**
 * How soon an edit made through one instance is in force on the other: the change counters are
 * polled every 2 s and a reload follows; the rest is room for a loaded machine.
 */
const BOUND_MS = 6_000;

describe('two instances on PostgreSQL and a Redis Cluster', () => {
  let cluster: PrivateRedisCluster;
  let postgres: PrivatePostgres;
  let first: TestApp;
  let second: AppProcess;
  let firstUrl: string;
  let token: string;

  beforeAll(async () => {
    [cluster, postgres] = await Promise.all([startRedisCluster({ masters: 3 }), startPostgres()]);
    const pluginConfig = { redis: { cluster: cluster.nodes } };
    // One after the other: the first boot creates the schema in the empty database.
    first = await startTestApp({ pluginConfig, databaseEnv: postgres.env });
    firstUrl = await first.listen();
    second = await startAppProcess({ pluginConfig, databaseEnv: postgres.env });
    token = await adminToken(first, { email: 'scale-out@example.com' });
  }, 180_000);

  afterAll(async () => {
    await second?.stop();
    await first?.stop();
    await Promise.all([cluster?.stop(), postgres?.stop()]);
  });

  /** The two instances, alternately, as a round-robin load balancer would pick them. */
  let turn = 0;
  const nextInstance = () => [firstUrl, second.url][turn++ % 2];

  const postEvents = async (url: string, visitor: string, events: unknown[]) => {
    const answer = await fetch(`${url}/api/personalization/events`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'user-agent': BROWSER_UA },
      body: JSON.stringify({ visitorToken: credentialFor(first, visitor), events }),
    });
    return { status: answer.status, body: (await answer.json()) as { data: { segments?: string[] } } };
  };

  it('keeps a visitor on one node: events through either instance build one profile', async () => {
    const visitor = 'scale-out-visitor-1';
    for (let index = 0; index < 6; index += 1) {
      const { status } = await postEvents(nextInstance(), visitor, [pageEvent(), trackEvent('Signup', { category: 'account' })]);
      expect(status).toBe(202);
    }
    const profileKey = `psn:{v:${visitor}}:p`;
    expect(await cluster.client.hget(profileKey, 'pv')).toBe('6');
    // Every key written for the visitor is in the profile's slot, on one master.
    const visitorKeys: string[] = [];
    for (const master of cluster.masters) {
      let cursor = '0';
      do {
        const [next, keys] = await master.client.scan(cursor, 'MATCH', `psn:{v:${visitor}}*`, 'COUNT', 1000);
        cursor = next;
        visitorKeys.push(...keys);
      } while (cursor !== '0');
    }
    expect(visitorKeys.length).toBeGreaterThan(3);
    expect(new Set(visitorKeys.map((key) => clusterKeySlot(key)))).toEqual(new Set([clusterKeySlot(profileKey)]));
  }, 60_000);
});
