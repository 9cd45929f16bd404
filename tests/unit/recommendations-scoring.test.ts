import {
  decayedAt,
  DEFAULT_CO_ENGAGEMENT_SETTINGS,
  forwardWeight,
  newestFirst,
  normalizeNeighbours,
  planEngagement,
  similarity,
  type CoEngagementSettings,
} from '../../server/src/recommendations/co-engagement';
import { recommend, topicScores } from '../../server/src/recommendations/recommend';

const M = (id: string) => `api::movie.movie/${id}`;
const ARTICLE = (id: string) => `api::article.article/${id}`;
const SETTINGS: CoEngagementSettings = {
  ...DEFAULT_CO_ENGAGEMENT_SETTINGS,
  landmarkSec: 0,
  halfLifeSec: 1000,
  historySize: 3,
  pairWindowSec: 100,
  shrinkage: 4,
};
const entries = <V>(map: Map<string, V> | undefined) => Object.fromEntries(map ?? []);

describe('forward decay', () => {
  it('doubles a weight every half-life after the landmark, and reads it back decayed', () => {
    expect(forwardWeight(0, SETTINGS)).toBe(1);
    expect(forwardWeight(1000, SETTINGS)).toBe(2);
    expect(forwardWeight(-2000, SETTINGS)).toBe(0.25);
    // 8 added at the landmark is worth 2 two half-lives later.
    expect(decayedAt(8, 2000, SETTINGS)).toBe(2);
    // An increment made later is read at its own weight.
    expect(decayedAt(3 * forwardWeight(5000, SETTINGS), 5000, SETTINGS)).toBeCloseTo(3, 12);
  });

  it('holds a landmark decades away with the default half-life', () => {
    const fiftyYears = DEFAULT_CO_ENGAGEMENT_SETTINGS.landmarkSec + 50 * 365 * 86_400;
    expect(Number.isFinite(forwardWeight(fiftyYears, DEFAULT_CO_ENGAGEMENT_SETTINGS))).toBe(true);
    expect(forwardWeight(DEFAULT_CO_ENGAGEMENT_SETTINGS.landmarkSec - 50 * 365 * 86_400, DEFAULT_CO_ENGAGEMENT_SETTINGS)).toBeGreaterThan(0);
  });
});

describe('similarity (golden cases)', () => {
  it.each([
    // C / sqrt(Ni Nj) * C / (C + shrinkage)
    [4, 4, 4, 4, 0.5],
    [4, 16, 4, 4, 0.25],
    [2, 8, 8, 2, 0.125],
    [10, 10, 10, 0, 1],
    [0, 5, 5, 4, 0],
    // An item trimmed from its popularity set (N read as 0) counts as engaged C times.
    [3, 0, 3, 3, 0.5],
    [4, 8, 2, 4, (4 / Math.sqrt(32)) * 0.5],
  ])('C=%d Ni=%d Nj=%d shrinkage=%d -> %d', (c, ni, nj, shrinkage, expected) => {
    expect(similarity(c, ni, nj, shrinkage)).toBeCloseTo(expected, 12);
  });

  it('damps popular items and thin evidence', () => {
    // Same co-engagement, a blockbuster neighbour scores lower than a niche one.
    expect(similarity(5, 10, 1000, 4)).toBeLessThan(similarity(5, 10, 10, 4));
    // Same cosine, more evidence scores higher.
    expect(similarity(2, 4, 4, 10)).toBeLessThan(similarity(20, 40, 40, 10));
  });

  it('normalizes stored neighbours as of now, best first, within the limit', () => {
    const scale = forwardWeight(2000, SETTINGS);
    const stored = {
      engagement: 8 * scale,
      neighbours: [
        { documentId: 'c', coEngagement: 2 * scale, engagement: 8 * scale },
        { documentId: 'b', coEngagement: 4 * scale, engagement: 2 * scale },
        { documentId: 'z', coEngagement: 0, engagement: 1 },
      ],
    };
    const result = normalizeNeighbours('api::movie.movie', stored, 10, 2000, SETTINGS);
    expect(result.map((n) => n.item)).toEqual([M('b'), M('c')]);
    expect(result[0].score).toBeCloseTo((4 / Math.sqrt(32)) * (4 / 8), 12);
    expect(result[1].score).toBeCloseTo((2 / 8) * (2 / 6), 12);
    expect(normalizeNeighbours('api::movie.movie', stored, 1, 2000, SETTINGS)).toHaveLength(1);
  });
});

describe('planning a batch of engagements', () => {
  it('pairs new items with recent history of the same type, within the window', () => {
    const plan = planEngagement(
      [{ item: M('a'), at: 0 }],
      [
        { item: M('c'), weight: 2, at: 500 },
        { item: M('b'), weight: 1, at: 10 },
        { item: M('a'), weight: 3, at: 20 },
        { item: ARTICLE('x'), weight: 1, at: 30 },
      ],
      ['fans', 'bad slug!', 'fans'],
      SETTINGS
    );
    const movies = plan.byContentType.get('api::movie.movie')!;
    const w = (at: number) => forwardWeight(at, SETTINGS);
    // b is new: paired with a (10 s apart). a again: popularity only. c: 480 s after a, outside the window.
    expect(entries(movies.neighbours.get('a'))).toEqual({ b: w(10) });
    expect(entries(movies.neighbours.get('b'))).toEqual({ a: w(10) });
    expect(movies.neighbours.has('c')).toBe(false);
    expect(entries(movies.popularity)).toEqual({ b: w(10), a: 3 * w(20), c: 2 * w(500) });
    expect([...movies.segmentPopularity.keys()]).toEqual(['fans']);
    expect(entries(movies.segmentPopularity.get('fans'))).toEqual(entries(movies.popularity));
    // The article pairs with nothing (another content type).
    expect(plan.byContentType.get('api::article.article')!.neighbours.size).toBe(0);
    expect(newestFirst(plan.history)).toEqual([
      { item: M('c'), at: 500 },
      { item: ARTICLE('x'), at: 30 },
      { item: M('a'), at: 20 },
      { item: M('b'), at: 10 },
    ]);
  });

  it('pairs only with the historySize most recent items', () => {
    const previous = ['p1', 'p2', 'p3', 'p4'].map((id, i) => ({ item: M(id), at: i }));
    const plan = planEngagement(previous, [{ item: M('n'), weight: 1, at: 10 }], [], SETTINGS);
    expect(Object.keys(entries(plan.byContentType.get('api::movie.movie')!.neighbours.get('n'))).sort()).toEqual(['p2', 'p3', 'p4']);
  });

  it('skips hostile keys, weights and times', () => {
    const plan = planEngagement(
      [{ item: 'api::movie.movie/{x}', at: 0 }],
      [
        { item: 'api::movie.movie/a b', weight: 1, at: 1 },
        { item: M('ok'), weight: Number.NaN, at: 1 },
        { item: M('ok'), weight: -1, at: 1 },
        { item: M('ok'), weight: 1e9, at: 1 },
        { item: M('ok'), weight: 1, at: Number.POSITIVE_INFINITY },
      ],
      [],
      SETTINGS
    );
    expect(plan.history).toEqual([]);
    expect(plan.byContentType.size).toBe(0);
  });
});

describe('recommend (golden cases)', () => {
  const base = {
    contentType: 'api::movie.movie',
    history: [{ item: M('h1') }, { item: M('h2') }],
    neighbours: {
      [M('h1')]: [
        { item: M('x'), score: 0.4 },
        { item: M('y'), score: 0.2 },
        { item: ARTICLE('w'), score: 0.9 },
      ],
      [M('h2')]: [
        { item: M('y'), score: 0.6 },
        { item: M('z'), score: 0.1 },
        { item: M('h1'), score: 0.9 },
      ],
    },
    popular: [
      { item: M('p1'), score: 5 },
      { item: M('y'), score: 4 },
      { item: M('p2'), score: 3 },
    ],
    topicAffinities: { drama: 3, comedy: 1 },
    candidateTopics: { [M('x')]: ['drama'], [M('t1')]: ['drama', 'comedy'], [M('t2')]: ['horror'], [M('h1')]: ['drama'] },
    exclude: [M('h1'), M('h2')],
    recencyFactor: 0.5,
  };

  it('cf-v1: recency-weighted co-engagement, then topic, then popular', () => {
    const result = recommend({ ...base, strategy: 'cf-v1', limit: 6 });
    expect(result.map(({ item, reason }) => [item, reason])).toEqual([
      [M('y'), 'co-engagement'],
      [M('x'), 'co-engagement'],
      [M('z'), 'co-engagement'],
      [M('t1'), 'topic'],
      [M('p1'), 'popular'],
      [M('p2'), 'popular'],
    ]);
    expect(result[0]).toEqual({ item: M('y'), documentId: 'y', reason: 'co-engagement', score: 0.2 + 0.5 * 0.6 });
    expect(result[1].score).toBeCloseTo(0.4, 12);
    expect(result[2].score).toBeCloseTo(0.05, 12);
    expect(result[3].score).toBeCloseTo(1 / Math.SQRT2, 12);
  });

  it('cf-v1 stops at the limit and falls back for a visitor with no history', () => {
    expect(recommend({ ...base, strategy: 'cf-v1', limit: 2 }).map((r) => r.documentId)).toEqual(['y', 'x']);
    const cold = recommend({ ...base, strategy: 'cf-v1', history: [], exclude: [], limit: 3 });
    expect(cold.map(({ documentId, reason }) => [documentId, reason])).toEqual([
      ['h1', 'topic'],
      ['x', 'topic'],
      ['t1', 'topic'],
    ]);
  });

  it('topic-v1 and popular-v1', () => {
    expect(recommend({ ...base, strategy: 'topic-v1', limit: 3 }).map(({ documentId, reason }) => [documentId, reason])).toEqual([
      ['x', 'topic'],
      ['t1', 'topic'],
      ['p1', 'popular'],
    ]);
    expect(recommend({ ...base, strategy: 'popular-v1', limit: 10 }).map(({ documentId, reason }) => [documentId, reason])).toEqual([
      ['p1', 'popular'],
      ['y', 'popular'],
      ['p2', 'popular'],
    ]);
  });

  it('gives equal answers for equal inputs and never more than asked', () => {
    const input = { ...base, strategy: 'cf-v1' as const, limit: 4 };
    expect(recommend(input)).toEqual(recommend(structuredClone(input)));
    expect(recommend({ ...input, limit: 0 })).toEqual([]);
    expect(recommend({ ...input, limit: 1e9 }).length).toBeLessThanOrEqual(100);
  });

  it('topic scores ignore inherited names and empty affinities', () => {
    expect(topicScores({ topicAffinities: {}, candidateTopics: { [M('a')]: ['drama'] } })).toEqual([]);
    expect(topicScores({ topicAffinities: { drama: 1 }, candidateTopics: { [M('a')]: ['constructor', 'toString'] } })).toEqual([]);
  });
});
