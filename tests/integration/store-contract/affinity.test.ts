/**
 * Topic affinity is written in two languages: Lua for the Redis scripts (`store/redis/affinity-lua.ts`)
 * and TypeScript for the memory driver and the profile view (`store/affinity.ts`). Here both run on
 * the same inputs (several half-lives, gaps from none to many half-lives, late events, merges) and
 * must store the same strings, to the last thousandth.
 */
import { addAffinity, affinityAt } from '../../../server/src/store/affinity';
import { memoryStores, redisStores } from '../../../server/src/store/create-stores';
import type { MergeInstruction, UpdateSettings } from '../../../server/src/store/profile-store';
import { AFFINITY_LUA } from '../../../server/src/store/redis/affinity-lua';
import { RedisConnection } from '../../../server/src/store/redis/redis-connection';
import { startRedis, type PrivateRedis } from '../../helpers/redis-server';

const DAY = 86_400;
const NOW = Math.floor(Date.now() / 1000);
const HALF_LIVES = [3600, DAY, 7 * DAY, 30 * DAY];
const GAPS = [0, 1, 1799, 3600, DAY, 7 * DAY, 45 * DAY, 400 * DAY];
const WEIGHTS = [0.5, 1, 2.345, 7];

let redis: PrivateRedis;

beforeAll(async () => {
  redis = await startRedis();
});

afterAll(async () => {
  await redis?.stop();
});

/** The Lua definition on its own, run by Redis. */
const luaAdd = async (stored: string | null, weight: number, ts: number, halfLife: number): Promise<string> =>
  (await redis.client.eval(`${AFFINITY_LUA}\nreturn addedAffinity(ARGV[1] ~= '' and ARGV[1] or nil, tonumber(ARGV[2]), tonumber(ARGV[3]), tonumber(ARGV[4]))`, 0, stored ?? '', weight, ts, halfLife)) as string;

const settings = (affinityHalfLifeSec: number): UpdateSettings => ({
  sessionGapSec: 1800,
  affinityHalfLifeSec,
  recentCap: 5,
  journeySteps: 16,
  retentionSec: 30 * DAY,
  windowDays: 90,
  maxFields: 120,
  maxWindowBuckets: 1_000,
  maxTraits: 50,
  eventQuota: { limit: 10_000, windowSec: 60 },
  hourlyCounters: [],
});

describe('topic affinity: the Lua and TypeScript definitions agree', () => {
  it('on a first score, later and earlier scores, over several half-lives and gaps', async () => {
    const cases: [string | null, number, number, number][] = [];
    for (const halfLife of HALF_LIVES) {
      for (const gap of GAPS) {
        for (const weight of WEIGHTS) {
          cases.push([null, weight, NOW - gap, halfLife]);
          // A score held `gap` seconds before the new event, and one held `gap` seconds after it (a late event).
          cases.push([addAffinity(null, 3.21, NOW - gap, halfLife), weight, NOW, halfLife]);
          cases.push([addAffinity(null, 3.21, NOW, halfLife), weight, NOW - gap, halfLife]);
        }
      }
    }
    const fromLua = await Promise.all(cases.map((args) => luaAdd(...args)));
    expect(fromLua).toEqual(cases.map((args) => addAffinity(...args)));
    // The cases are not trivial: scores decay to thousandths of their weight and below.
    expect(new Set(fromLua.map((value) => value.split('|')[0])).size).toBeGreaterThan(100);
  });

  it('lowers a score by a negative weight (a bounce), never below 0', async () => {
    const cases: [string | null, number, number, number][] = [];
    for (const halfLife of HALF_LIVES) {
      for (const gap of GAPS) {
        for (const weight of [-0.5, -1, -2.345, -100]) {
          cases.push([null, weight, NOW - gap, halfLife]);
          cases.push([addAffinity(null, 3.21, NOW - gap, halfLife), weight, NOW, halfLife]);
          cases.push([addAffinity(null, 3.21, NOW, halfLife), weight, NOW - gap, halfLife]);
        }
      }
    }
    const fromLua = await Promise.all(cases.map((args) => luaAdd(...args)));
    expect(fromLua).toEqual(cases.map((args) => addAffinity(...args)));
    expect(fromLua.every((value) => /^\d+\|\d+$/.test(value))).toBe(true);
    expect(addAffinity(`3000|${NOW}`, -0.5, NOW, DAY)).toBe(`2500|${NOW}`);
    expect(addAffinity(`3000|${NOW}`, -5, NOW, DAY)).toBe(`0|${NOW}`);
    expect(addAffinity(null, -0.5, NOW, DAY)).toBe(`0|${NOW}`);
  });

  it('treats a value that is not an affinity as none', async () => {
    expect(await luaAdd('garbage', 2, NOW, DAY)).toBe(addAffinity('garbage', 2, NOW, DAY));
    expect(addAffinity('garbage', 2, NOW, DAY)).toBe(`2000|${NOW}`);
  });

  it('through both drivers: batches and merges store what the TypeScript definition computes', async () => {
    const connection = new RedisConnection({ url: redis.url, commandTimeoutMs: 2000 }, 'aff:');
    await connection.connect(2000);
    const [redisStore, memoryStore] = [redisStores(connection), memoryStores()];
    try {
      let visitorCounter = 0;
      for (const halfLife of HALF_LIVES) {
        const visitor = `affinity-${process.pid}-${++visitorCounter}`;
        let expected: string | null = null;
        let ts = NOW - 500 * DAY;
        for (const gap of GAPS) {
          ts += gap;
          const weight = 1 + (gap % 3);
          expected = addAffinity(expected, weight, ts, halfLife);
          for (const store of [redisStore, memoryStore]) {
            const result = await store.profiles.applyUpdates(visitor, [{ ts, affinity: { topic: weight } }], settings(halfLife), ts, { returnProfile: true });
            expect(result.status === 'applied' && result.profile?.fields['t:topic']).toBe(expected);
          }
        }
        // A merge folds in another device's score, held at an earlier time.
        const merge: MergeInstruction = {
          sum: {}, max: {}, min: {}, set: {}, setIfAbsent: {}, windows: {}, recent: [], steps: [], traits: {}, traitsWin: false,
          affinity: { topic: [4.567, ts - 3 * halfLife] },
        };
        expected = addAffinity(expected, 4.567, ts - 3 * halfLife, halfLife);
        for (const store of [redisStore, memoryStore]) {
          expect((await store.profiles.applyMerge(visitor, merge, settings(halfLife), ts)).fields['t:topic']).toBe(expected);
        }
        // A bounce takes from it, and a bigger one leaves 0, not less.
        for (const weight of [-0.5, -1000]) {
          expected = addAffinity(expected, weight, ts, halfLife);
          for (const store of [redisStore, memoryStore]) {
            const result = await store.profiles.applyUpdates(visitor, [{ ts, affinity: { topic: weight } }], settings(halfLife), ts, { returnProfile: true });
            expect(result.status === 'applied' && result.profile?.fields['t:topic']).toBe(expected);
          }
        }
        expect(expected).toBe(`0|${ts}`);
        expected = addAffinity(expected, 1, ts, halfLife);
        for (const store of [redisStore, memoryStore]) {
          const result = await store.profiles.applyUpdates(visitor, [{ ts, affinity: { topic: 1 } }], settings(halfLife), ts, { returnProfile: true });
          expect(result.status === 'applied' && result.profile?.fields['t:topic']).toBe(expected);
        }
        // And the profile view reads it back decayed: one half-life on, half of it.
        expect(affinityAt(expected, ts + halfLife, halfLife)).toBeCloseTo(affinityAt(expected, ts, halfLife) / 2, 9);
      }
    } finally {
      await redisStore.connection.close();
      await memoryStore.connection.close();
    }
  });
});
