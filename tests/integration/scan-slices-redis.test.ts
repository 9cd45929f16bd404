/**
 * The SCAN slices of `store/scan-slices.ts` on a real redis-server: together they return every
 * key a full SCAN returns, whatever the table size and while the table grows (rehashing).
 */
import { sliceEnded, sliceStartCursor, type ScanSlice } from '../../server/src/store/scan-slices';
import { startRedis, type PrivateRedis } from '../helpers/redis-server';

let redis: PrivateRedis;

beforeAll(async () => {
  redis = await startRedis();
});

afterAll(async () => {
  await redis?.stop();
});

const addKeys = async (from: number, to: number) => {
  for (let start = from; start < to; start += 5_000) {
    const pipeline = redis.client.pipeline();
    for (let i = start; i < Math.min(to, start + 5_000); i += 1) pipeline.set(`key:${i}`, '1');
    await pipeline.exec();
  }
};

/** Every key of one slice, calling `between` after each SCAN call. */
const scanSlice = async (slice: ScanSlice, between: () => Promise<void> = async () => {}) => {
  const keys: string[] = [];
  let cursor = sliceStartCursor(slice);
  do {
    const [next, page] = await redis.client.scan(cursor, 'MATCH', 'key:*', 'COUNT', 50);
    keys.push(...page);
    cursor = next;
    await between();
  } while (!sliceEnded(slice, cursor));
  return keys;
};

const slicesOf = (bits: number): ScanSlice[] => Array.from({ length: 2 ** bits }, (_, slice) => ({ slice, bits }));

describe('SCAN slices on redis-server', () => {
  beforeEach(async () => {
    await redis.client.flushall();
  });

  it.each([0, 1, 3, 6])('%i bits of slices return exactly the keys of a full SCAN', async (bits) => {
    await addKeys(0, 20_000);
    const found = (await Promise.all(slicesOf(bits).map((slice) => scanSlice(slice)))).flat();
    const distinct = new Set(found);
    expect(distinct.size).toBe(20_000);
    // Keys come twice only near slice edges: at most a call's worth per edge.
    expect(found.length - distinct.size).toBeLessThanOrEqual(2 ** bits * 60);
  });

  it('misses no key while the table grows under the scan (rehashing)', async () => {
    await addKeys(0, 3_000);
    let added = 3_000;
    const grow = async () => {
      if (added < 40_000) await addKeys(added, (added += 500));
    };
    const found = new Set<string>();
    for (const slice of slicesOf(3)) for (const key of await scanSlice(slice, grow)) found.add(key);
    for (let i = 0; i < 3_000; i += 1) expect(found.has(`key:${i}`)).toBe(true);
    expect(added).toBeGreaterThan(3_000);
  });

  it('misses no key while the table shrinks under the scan', async () => {
    await addKeys(0, 40_000);
    let removed = 40_000;
    const shrink = async () => {
      if (removed > 1_000) {
        const pipeline = redis.client.pipeline();
        for (let i = removed - 1_000; i < removed; i += 1) pipeline.del(`key:${i}`);
        await pipeline.exec();
        removed -= 1_000;
      }
    };
    const found = new Set<string>();
    for (const slice of slicesOf(2)) for (const key of await scanSlice(slice, shrink)) found.add(key);
    for (let i = 0; i < 1_000; i += 1) expect(found.has(`key:${i}`)).toBe(true);
  });
});
