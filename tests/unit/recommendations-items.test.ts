import { engagementWeightOf, itemEngagementOf } from '../../server/src/recommendations/item-engagement';
import { itemKey, parseItemKey } from '../../server/src/recommendations/item-ref';
import { isStrategyId, STRATEGIES } from '../../server/src/recommendations/strategies';

const movie = { contentType: 'api::movie.movie', documentId: 'abc123def456ghi789jkl012' };

describe('item refs', () => {
  it('round-trip through their key', () => {
    expect(itemKey(movie)).toBe('api::movie.movie/abc123def456ghi789jkl012');
    expect(parseItemKey(itemKey(movie))).toEqual(movie);
    expect(parseItemKey('plugin::shop.product/42')).toEqual({ contentType: 'plugin::shop.product', documentId: '42' });
  });

  it.each([
    '',
    'api::movie.movie',
    'api::movie.movie/',
    '/abc',
    'api::movie.movie/a/b',
    'api::movie.movie/{tag}',
    'api::movie.movie/has space',
    'api::Movie.movie/abc',
    'api::movie/abc',
    'api::movie.movie/' + 'x'.repeat(65),
    'x'.repeat(10_000),
    'api::movie.movie/abc\n',
    'api::movie.movie/ab*',
    { contentType: 'api::movie.movie' },
    42,
    null,
  ])('refuse %j', (key) => {
    expect(parseItemKey(key)).toBeNull();
  });

  it('refuses to build a key that would not parse back', () => {
    expect(() => itemKey({ contentType: 'api::movie.movie', documentId: 'a}b' })).toThrow(TypeError);
    expect(() => itemKey({ contentType: 'movie', documentId: 'abc' })).toThrow(TypeError);
  });
});

describe('item engagement of an event', () => {
  const properties = { contentType: movie.contentType, documentId: movie.documentId };

  it.each([
    [{ type: 'page', properties }, 1],
    [{ type: 'screen', properties }, 1],
    [{ type: 'track', event: 'Entry Viewed', properties }, 1],
    [{ type: 'track', event: 'Video Played', properties }, 2],
    [{ type: 'track', event: 'Video Playback Started', properties }, 2],
    [{ type: 'track', event: 'Product Added', properties }, 3],
    [{ type: 'track', event: 'Added to List', properties }, 3],
  ])('weighs %j as %d', (event, weight) => {
    expect(itemEngagementOf(event)).toEqual({ item: movie, weight });
  });

  it.each([
    { type: 'page', properties: { documentId: movie.documentId } },
    { type: 'page', properties: { contentType: movie.contentType } },
    { type: 'page' },
    { type: 'track', event: 'Signed Up', properties },
    { type: 'track', event: 'constructor', properties },
    { type: 'track', event: 'toString', properties },
    { type: 'identify', properties },
    { type: 'track', event: 'Entry Viewed', properties: { contentType: movie.contentType, documentId: 'a b' } },
    { type: 'track', event: 'Entry Viewed', properties: { contentType: 'x', documentId: movie.documentId } },
    { type: 'track', event: 'Entry Viewed', properties: { contentType: movie.contentType, documentId: 12 } },
  ])('says nothing of %j', (event) => {
    expect(itemEngagementOf(event)).toBeNull();
  });

  it('takes configured weights, and a zero weight turns a kind off', () => {
    const weights = { view: 0.5, play: 0, add: 10 };
    expect(itemEngagementOf({ type: 'page', properties }, weights)?.weight).toBe(0.5);
    expect(itemEngagementOf({ type: 'track', event: 'Video Played', properties }, weights)).toBeNull();
    expect(itemEngagementOf({ type: 'track', event: 'Product Added', properties }, weights)).toEqual({ item: movie, weight: 10 });
    expect(engagementWeightOf({ type: 'track', event: 'Product Added' }, weights)).toBe(10);
    expect(engagementWeightOf({ type: 'track', event: 'Signed Up' }, weights)).toBeNull();
  });
});

describe('strategies', () => {
  it('are versioned ids with a description', () => {
    expect(STRATEGIES.map((strategy) => strategy.id)).toEqual(['cf-v1', 'next-v1', 'topic-v1', 'popular-v1']);
    for (const strategy of STRATEGIES) expect(strategy.description.length).toBeGreaterThan(20);
    expect(isStrategyId('cf-v1')).toBe(true);
    expect(isStrategyId('cf-v2')).toBe(false);
    expect(isStrategyId(undefined)).toBe(false);
  });
});
