/**
 * The co-engagement store contract: every case runs against the Redis driver (a private
 * redis-server) and the memory driver, and a randomized replay checks that both answer alike.
 */
import { Redis } from 'ioredis';
import { DEFAULT_CO_ENGAGEMENT_SETTINGS, similarity, type CoEngagementSettings } from '../../server/src/recommendations/co-engagement';
import type { VisitorEngagements } from '../../server/src/recommendations/co-engagement-batch';
import type { CoEngagementStore } from '../../server/src/recommendations/store/co-engagement-store';
import { MemoryCoEngagementStore } from '../../server/src/recommendations/store/memory-co-engagement-store';
import { RedisCoEngagementStore } from '../../server/src/recommendations/store/redis-co-engagement-store';
import { startRedis, type PrivateRedis } from '../helpers/redis-server';

const DAY = 86_400;
const NOW = Math.floor(Date.now() / 1000);
const MOVIE = 'api::movie.movie';
const M = (id: string) => `${MOVIE}/${id}`;
const ARTICLE = (id: string) => `api::article.article/${id}`;
const SETTINGS: CoEngagementSettings = { ...DEFAULT_CO_ENGAGEMENT_SETTINGS, shrinkage: 10 };

let redis: PrivateRedis;
let client: Redis;
let counter = 0;
const visitor = () => `visitor-${process.pid}-${++counter}`;

beforeAll(async () => {
  redis = await startRedis();
  client = new Redis({ port: redis.port, host: '127.0.0.1', enableAutoPipelining: true });
});

afterAll(async () => {
  client?.disconnect();
  await redis?.stop();
});

type Factory = (settings?: Partial<CoEngagementSettings>) => CoEngagementStore;
const drivers: [string, Factory][] = [
  // A fresh prefix per store: each case starts empty, as the memory driver does.
  ['redis', (settings) => new RedisCoEngagementStore(client, `t${++counter}:`, { ...SETTINGS, ...settings })],
  ['memory', (settings) => new MemoryCoEngagementStore({ ...SETTINGS, ...settings })],
];

const views = (visitorId: string, items: string[], at = NOW, segments: string[] = []): VisitorEngagements => ({
  visitorId,
  segments,
  items: items.map((item, i) => ({ item, weight: 1, at: at + i })),
});

describe.each(drivers)('%s driver', (name, create) => {
  it('keeps each visitor’s latest items, newest first, bounded', async () => {
    const store = create({ historySize: 4 });
    const id = visitor();
    await store.record([views(id, ['a', 'b', 'c'].map(M))], NOW + 5);
    await store.record([views(id, ['d', 'e', 'a'].map(M), NOW + 10)], NOW + 20);
    // An event that arrives late does not move an item back in time.
    await store.record([views(id, [M('e')], NOW + 1)], NOW + 20);
    expect(await store.history(id, 10)).toEqual([
      { item: M('a'), at: NOW + 12 },
      { item: M('e'), at: NOW + 11 },
      { item: M('d'), at: NOW + 10 },
      { item: M('c'), at: NOW + 2 },
    ]);
    expect(await store.history(id, 2)).toHaveLength(2);
    expect(await store.history(visitor(), 10)).toEqual([]);
  });

  it('scores neighbours by cosine with shrinkage, symmetric, and only within a content type', async () => {
    const store = create();
    await store.record([views(visitor(), [M('a'), M('b')]), views(visitor(), [M('a'), M('b'), ARTICLE('x')]), views(visitor(), [M('a'), M('c')])], NOW + 5);
    const read = await store.neighbours([M('a'), M('b'), M('c'), ARTICLE('x')], 10, NOW + 5);
    // Engagement: a 3, b 2, c 1; co-engagement: a-b 2, a-c 1 (all at about the same time).
    const ab = read[M('a')].find((n) => n.item === M('b'))!.score;
    const ac = read[M('a')].find((n) => n.item === M('c'))!.score;
    expect(read[M('a')].map((n) => n.item)).toEqual([M('b'), M('c')]);
    expect(ab).toBeCloseTo(similarity(2, 3, 2, 10), 3);
    expect(ac).toBeCloseTo(similarity(1, 3, 1, 10), 3);
    expect(read[M('b')]).toEqual([{ item: M('a'), score: ab }]);
    expect(read[ARTICLE('x')]).toEqual([]);
    expect((await store.neighbours([M('a')], 1, NOW + 5))[M('a')]).toHaveLength(1);
  });

  it('counts the steps from each entry to the next, directed, as shares', async () => {
    const store = create();
    // Three visitors go a -> b, one a -> c; one goes b -> a; a batch split over two flushes still steps.
    await store.record([views(visitor(), [M('a'), M('b')]), views(visitor(), [M('a'), M('b')]), views(visitor(), [M('a'), M('c')]), views(visitor(), [M('b'), M('a')])], NOW + 5);
    const later = visitor();
    await store.record([views(later, [M('a')])], NOW + 5);
    await store.record([views(later, [M('b')], NOW + 60)], NOW + 65);
    const read = await store.nextSteps([M('a'), M('b'), M('c'), 'not an item'], 10);
    // Shares of decayed counts: steps a minute apart weigh a few parts in a million more.
    expect(read[M('a')]).toEqual([{ item: M('b'), score: expect.closeTo(0.75, 4) }, { item: M('c'), score: expect.closeTo(0.25, 4) }]);
    expect(read[M('b')]).toEqual([{ item: M('a'), score: 1 }]);
    expect(read[M('c')]).toEqual([]);
    expect(Object.keys(read)).toHaveLength(3);
    expect((await store.nextSteps([M('a')], 1))[M('a')]).toHaveLength(1);
  });

  it('weighs engagement by kind and decays it with time', async () => {
    const store = create();
    await store.record([{ visitorId: visitor(), segments: ['fans'], items: [{ item: M('p'), weight: 3, at: NOW }, { item: M('q'), weight: 1, at: NOW }] }], NOW);
    await store.record([views(visitor(), [M('q')])], NOW);
    const now = await store.popular(MOVIE, null, 10, NOW);
    expect(now.map((p) => p.item)).toEqual([M('p'), M('q')]);
    expect(now[0].score).toBeCloseTo(3, 9);
    expect(now[1].score).toBeCloseTo(2, 9);
    const later = await store.popular(MOVIE, null, 10, NOW + SETTINGS.halfLifeSec);
    expect(later[0].score).toBeCloseTo(1.5, 9);
    expect(await store.popular(MOVIE, 'fans', 10, NOW)).toEqual([{ item: M('p'), score: now[0].score }, { item: M('q'), score: expect.closeTo(1, 9) }]);
    expect(await store.popular(MOVIE, 'others', 10, NOW)).toEqual([]);
    expect(await store.popular('api::article.article', null, 10, NOW)).toEqual([]);
  });

  it('clamps engagements stated in the future to now', async () => {
    const store = create();
    await store.record([{ visitorId: visitor(), segments: [], items: [{ item: M('f'), weight: 1, at: NOW + 3650 * DAY }] }], NOW);
    expect((await store.popular(MOVIE, null, 1, NOW))[0].score).toBeCloseTo(1, 9);
  });

  it('ignores hostile keys, ids and weights, and reads nothing for them', async () => {
    const store = create();
    await store.record(
      [
        { visitorId: 'bad{id}with braces', segments: [], items: [{ item: M('a'), weight: 1, at: NOW }] },
        {
          visitorId: visitor(),
          segments: ['x y', '{tag}', 'ok-segment'],
          items: [
            { item: 'api::movie.movie/{slot}', weight: 1, at: NOW },
            { item: 'api::movie.movie/a b', weight: 1, at: NOW },
            { item: 'api::movie.movie', weight: 1, at: NOW },
            { item: M('z'.repeat(65)), weight: 1, at: NOW },
            { item: M('nan'), weight: Number.NaN, at: NOW },
            { item: M('huge'), weight: 1e12, at: NOW },
            { item: M('when'), weight: 1, at: Number.NaN },
          ],
        },
      ],
      NOW
    );
    expect(await store.popular(MOVIE, null, 10, NOW)).toEqual([]);
    expect(await store.neighbours(['api::movie.movie/{slot}', 'nonsense', '', M('a')], 10, NOW)).toEqual({ [M('a')]: [] });
    expect(await store.popular('api::movie.movie}{', null, 10, NOW)).toEqual([]);
    expect(await store.popular(MOVIE, '{tag}', 10, NOW)).toEqual([]);
    expect(await store.popular(MOVIE, null, -5, NOW)).toEqual([]);
    await expect(store.history('bad{id}with braces', 10)).rejects.toThrow(/invalid visitor id/);
    await expect(store.eraseVisitor('short')).rejects.toThrow(/invalid visitor id/);
  });

  it('keeps every set within its bound', async () => {
    const store = create({ historySize: 4, maxNeighbours: 3, maxItems: 5 });
    const items = Array.from({ length: 12 }, (_, i) => M(`i${i}`));
    for (let v = 0; v < 3; v++) await store.record([views(visitor(), items, NOW, ['fans'])], NOW + 20);
    const read = await store.neighbours(items, 100, NOW + 20);
    for (const item of items) expect(read[item].length).toBeLessThanOrEqual(3);
    expect(await store.popular(MOVIE, null, 100, NOW + 20)).toHaveLength(5);
    expect(await store.popular(MOVIE, 'fans', 100, NOW + 20)).toHaveLength(5);
    if (name === 'redis') {
      const keys = await client.keys('*');
      // Neighbour sets may pass their bound by the trim slack (1 here) before going back to it.
      for (const key of keys.filter((k) => /:[nx]:i\d+$/.test(k))) expect(await client.hlen(key)).toBeLessThanOrEqual(4);
      for (const key of keys.filter((k) => k.endsWith(':ch'))) expect(await client.zcard(key)).toBeLessThanOrEqual(4);
    }
  });

  it('breaks ties at the read cut by documentId, descending', async () => {
    const store = create({ maxNeighbours: 3 });
    // Five items at the same moment: a's four neighbours tie; three are read, b is cut.
    await store.record([{ visitorId: visitor(), segments: [], items: ['a', 'b', 'c', 'd', 'e'].map((id) => ({ item: M(id), weight: 1, at: NOW })) }], NOW);
    expect((await store.neighbours([M('a')], 10, NOW))[M('a')].map((n) => n.item)).toEqual([M('c'), M('d'), M('e')]);
  });

  it('counts page paths as shares of each page’s transitions, with the pages by transitions out, bounded', async () => {
    const store = create({ maxNeighbours: 2 });
    const w = (at: number) => 2 ** ((at - SETTINGS.landmarkSec) / SETTINGS.halfLifeSec);
    await store.recordPagePaths({
      pages: new Map([['Pricing', 3 * w(NOW)], ['Docs', w(NOW)]]),
      next: new Map([
        ['Pricing', new Map([['page:Docs', 2 * w(NOW)], ['event:Signup Started', w(NOW)]])],
        ['Docs', new Map([['event:Signup Started', w(NOW)]])],
      ]),
    });
    const read = await store.pagePaths(['Pricing', 'Docs', 'Nowhere'], 10);
    expect(read.Pricing.map((step) => step.label)).toEqual(['page:Docs', 'event:Signup Started']);
    expect(read.Pricing[0].share).toBeCloseTo(2 / 3, 9);
    expect(read.Docs).toEqual([{ label: 'event:Signup Started', share: 1 }]);
    expect(read.Nowhere).toEqual([]);
    expect(await store.popularPages(10)).toEqual(['Pricing', 'Docs']);
    expect(await store.popularPages(1)).toEqual(['Pricing']);
    // Next steps are trimmed like neighbours: past the bound by the slack (1), back to the bound.
    await store.recordPagePaths({ pages: new Map([['Docs', 3]]), next: new Map([['Docs', new Map([['page:A', 1], ['page:B', 1], ['page:C', 1]])]]) });
    expect((await store.pagePaths(['Docs'], 10)).Docs).toHaveLength(2);
    if (name === 'redis') expect((await client.keys('*{pp}*')).every((key) => !key.includes('visitor'))).toBe(true);
  });

  it('erases the visitor’s history, and leaves no key of the visitor', async () => {
    const store = create();
    const id = visitor();
    await store.record([views(id, [M('a'), M('b')], NOW, ['fans'])], NOW + 5);
    await store.eraseVisitor(id);
    expect(await store.history(id, 10)).toEqual([]);
    if (name === 'redis') expect(await client.keys(`*${id}*`)).toEqual([]);
    // What the visitor contributed stays, naming no one.
    expect((await store.popular(MOVIE, null, 10, NOW + 5)).length).toBe(2);
  });
});

describe('both drivers', () => {
  it('answer alike after the same random replay', async () => {
    const settings = { historySize: 5, maxNeighbours: 6, maxItems: 15, pairWindowSec: 3 * DAY };
    const stores = drivers.map(([, create]) => create(settings));
    let seed = 7;
    const random = () => ((seed = (seed * 16807) % 2147483647) - 1) / 2147483646;
    const visitors = Array.from({ length: 12 }, () => visitor());
    const items = Array.from({ length: 25 }, (_, i) => (i % 5 === 4 ? ARTICLE(`a${i}`) : M(`m${i}`)));
    let at = NOW - 20 * DAY;
    for (let round = 0; round < 40; round++) {
      const batch: VisitorEngagements[] = [];
      for (let k = 0; k < 3; k++) {
        const items_ = Array.from({ length: 1 + Math.floor(random() * 4) }, () => ({
          item: items[Math.floor(random() ** 2 * items.length)],
          weight: [1, 2, 3][Math.floor(random() * 3)],
          at: (at += Math.floor(random() * 4 * 3600)),
        }));
        batch.push({ visitorId: visitors[Math.floor(random() * visitors.length)], segments: random() < 0.5 ? ['fans'] : ['new'], items: items_ });
      }
      for (const store of stores) await store.record(batch, at);
    }
    const answers = await Promise.all(
      stores.map(async (store) => ({
        popular: await store.popular(MOVIE, null, 100, at),
        fans: await store.popular(MOVIE, 'fans', 100, at),
        articles: await store.popular('api::article.article', 'new', 100, at),
        neighbours: await store.neighbours(items, 10, at),
        nextSteps: await store.nextSteps(items, 10),
        histories: await Promise.all(visitors.map((id) => store.history(id, 100))),
      }))
    );
    const [fromRedis, fromMemory] = answers;
    expect(fromRedis.popular.length).toBeGreaterThan(5);
    expect(Object.values(fromRedis.neighbours).flat().length).toBeGreaterThan(20);
    expect(Object.values(fromRedis.nextSteps).flat().length).toBeGreaterThan(5);
    expect(fromRedis.histories).toEqual(fromMemory.histories);
    const rounded = (value: unknown) => JSON.parse(JSON.stringify(value, (_key, v) => (typeof v === 'number' ? Number(v.toPrecision(10)) : v)));
    expect(rounded(fromRedis)).toEqual(rounded(fromMemory));
  });

  it('answer alike when one flush holds hundreds of visitors with histories, which Redis updates a hundred to a script', async () => {
    const stores = drivers.map(([, create]) => create({ historySize: 4 }));
    const items = Array.from({ length: 20 }, (_, i) => M(`many${i}`));
    const visitors = Array.from({ length: 250 }, () => visitor());
    const flush = (round: number) => visitors.map((id, v) => views(id, [0, 1, 2].map((i) => items[(v * 7 + i * 3 + round * 5) % items.length]), NOW - 100 + round * 10));
    for (const store of stores) await store.record(flush(0), NOW);
    const scriptCalls = async () => {
      const stats = await client.info('commandstats');
      return [...stats.matchAll(/^cmdstat_(?:eval|evalsha):calls=(\d+)/gm)].reduce((sum, match) => sum + Number(match[1]), 0);
    };
    const before = await scriptCalls();
    // The second flush pairs each new item with what the first left in each visitor's history.
    for (const store of stores) await store.record(flush(1), NOW);
    // Three scripts of histories and one of pairs, not one per visitor.
    expect((await scriptCalls()) - before).toBe(4);
    const answers = await Promise.all(
      stores.map(async (store) => ({ histories: await Promise.all(visitors.map((id) => store.history(id, 10))), neighbours: await store.neighbours(items, 10, NOW) }))
    );
    expect(answers[0].histories.every((history) => history.length === 4)).toBe(true);
    const rounded = (value: unknown) => JSON.parse(JSON.stringify(value, (_key, v) => (typeof v === 'number' ? Number(v.toPrecision(10)) : v)));
    expect(rounded(answers[0])).toEqual(rounded(answers[1]));
  });

  it('answer alike after one flush large enough to be cut into several scripts', async () => {
    const stores = drivers.map(([, create]) => create());
    const items = Array.from({ length: 3_000 }, (_, i) => M(`big${i}`));
    // 400 visitors × 12 items: tens of thousands of pair increments in one record call.
    const batch = Array.from({ length: 400 }, (_, v) => views(visitor(), Array.from({ length: 12 }, (_, i) => items[(v * 37 + i * 101) % items.length]), NOW - 100));
    for (const store of stores) await store.record(batch, NOW);
    // A flush cut into several scripts adds the same increments in another order than the memory
    // driver's single pass: sums may differ in the last bit of a double, never beyond 12 digits.
    const rounded = (list: { item: string; score: number }[]) => list.map(({ item, score }) => ({ item, score: Number(score.toPrecision(12)) }));
    const [fromRedis, fromMemory] = await Promise.all(stores.map((store) => store.neighbours(items.slice(0, 100), 10, NOW)));
    expect(Object.values(fromRedis).flat().length).toBeGreaterThan(100);
    const roundedAll = (answer: Record<string, { item: string; score: number }[]>) => Object.fromEntries(Object.entries(answer).map(([item, list]) => [item, rounded(list)]));
    expect(roundedAll(fromRedis)).toEqual(roundedAll(fromMemory));
    const [popularRedis, popularMemory] = await Promise.all(stores.map((store) => store.popular(MOVIE, null, 1_000, NOW)));
    expect(popularRedis).toHaveLength(1_000);
    expect(rounded(popularRedis)).toEqual(rounded(popularMemory));
  });
});
