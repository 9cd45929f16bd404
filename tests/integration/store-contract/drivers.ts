/**
 * The store contract's drivers: every case of `tests/integration/store-contract/*.test.ts` runs
 * against the Redis stores (over a private redis-server) and the embedded memory stores, built as
 * the plugin builds them (`store/create-stores.ts`).
 */
import { memoryStores, redisStores, type Stores } from '../../../server/src/store/create-stores';
import type { UpdateSettings } from '../../../server/src/store/profile-store';
import { RedisConnection } from '../../../server/src/store/redis/redis-connection';
import { startRedis, type PrivateRedis } from '../../helpers/redis-server';

export const HOUR = 3600;
export const DAY = 86_400;
export const SETTINGS: UpdateSettings = {
  sessionGapSec: 30 * 60,
  affinityHalfLifeSec: 7 * DAY,
  recentCap: 5,
  journeySteps: 4,
  retentionSec: 180 * DAY,
  windowDays: 90,
  maxFields: 120,
  maxWindowBuckets: 1_000,
  maxTraits: 50,
  eventQuota: { limit: 10_000, windowSec: 60 },
  hourlyCounters: ['pv', 'sn'],
};
/** A fixed "now" near the real clock, so Redis TTLs computed from it stay meaningful. */
export const NOW = Math.floor(Date.now() / 1000);

let visitorCounter = 0;
export const newVisitor = () => `visitor-${process.pid}-${++visitorCounter}`;

export type DriverName = 'redis' | 'memory';

export interface ContractDrivers {
  /** For `describe.each`: each driver's name and its stores for the current test. */
  each: [DriverName, () => Stores][];
  redis(): PrivateRedis;
  /** New stores of a driver (a fresh key prefix), closed after the file. */
  create(driver: DriverName, prefix?: string): Promise<Stores>;
}

/**
 * Starts a private redis-server for the test file. With `fresh`, every test gets new stores of
 * both drivers (its own key prefix and keyspace), closed after the test; otherwise one of each,
 * with the plugin's default prefix `psn:`, lives for the whole file.
 */
export const useDrivers = ({ fresh = false }: { fresh?: boolean } = {}): ContractDrivers => {
  let redis: PrivateRedis;
  let prefixCounter = 0;
  const open: Stores[] = [];
  const current: Partial<Record<DriverName, Stores>> = {};

  const create = async (driver: DriverName, prefix = `t${++prefixCounter}-${process.pid}:`): Promise<Stores> => {
    let stores: Stores;
    if (driver === 'memory') stores = memoryStores();
    else {
      const connection = new RedisConnection({ url: redis.url, commandTimeoutMs: 2000 }, prefix);
      await connection.connect(2000);
      stores = redisStores(connection);
    }
    open.push(stores);
    return stores;
  };

  beforeAll(async () => {
    redis = await startRedis();
    if (!fresh) {
      current.redis = await create('redis', 'psn:');
      current.memory = await create('memory');
    }
  });

  if (fresh) {
    beforeEach(async () => {
      current.redis = await create('redis');
      current.memory = await create('memory');
    });
    afterEach(async () => {
      await Promise.all([current.redis, current.memory].map((stores) => stores?.connection.close()));
    });
  }

  afterAll(async () => {
    await Promise.all(open.map((stores) => stores.connection.close().catch(() => {})));
    await redis?.stop();
  });

  return {
    each: [
      ['redis', () => current.redis!],
      ['memory', () => current.memory!],
    ],
    redis: () => redis,
    create,
  };
};

/**
 * A contract suite over both drivers, each test with stores of its own: `body` declares the cases
 * against `stores`, which always reaches the current test's stores of the driver being run.
 */
export const describeEachDriver = (body: (stores: Stores) => void): void => {
  const drivers = useDrivers({ fresh: true });
  describe.each(drivers.each)('%s driver', (_driver, current) => {
    body(new Proxy({} as Stores, { get: (_target, name) => current()[name as keyof Stores] }));
  });
};
