import { messageHash } from '../../server/src/ingest/message-hash';
import { normalizeTopics, topicsOfEntry, topicsOfProperties } from '../../server/src/ingest/topics';

describe('messageHash', () => {
  it('is a stable 31-bit FNV-1a', () => {
    expect(messageHash('')).toBe(0x811c9dc5 & 0x7fffffff);
    expect(messageHash('a')).toBe(0xe40c292c & 0x7fffffff);
    expect(messageHash('hello')).toBe(messageHash('hello'));
  });

  it('spreads 100,000 ids with about the expected number of collisions', () => {
    const seen = new Set<number>();
    for (let i = 0; i < 100_000; i++) seen.add(messageHash(`00000000-0000-4000-8000-${String(i).padStart(12, '0')}`));
    // n²/2^32 ≈ 2.3 expected collisions for 100,000 ids in 31 bits.
    expect(100_000 - seen.size).toBeLessThan(20);
  });
});

describe('topics', () => {
  it('reads topic, topics, tags and genres, split on | or ,', () => {
    expect(topicsOfProperties({ topic: 'Sci-Fi', topics: ['AI', ' Robots '], tags: 'a|b', genres: 'c,d', other: 'x' })).toEqual([
      'Sci-Fi', 'AI', 'Robots', 'a', 'b', 'c', 'd',
    ]);
  });

  it('drops empty and duplicate topics and clips long ones', () => {
    expect(normalizeTopics(['x', 'x', '', '  ', 'y'.repeat(80)])).toEqual(['x', 'y'.repeat(40)]);
  });

  it('reads an entry’s topic attributes', () => {
    expect(topicsOfEntry({ topic: 'Horror', genres: ['Horror', 'Thriller'], title: 'Alien' })).toEqual(['Horror', 'Thriller']);
    expect(topicsOfEntry(null)).toEqual([]);
  });
});
