import { RateLimiter } from '../../server/src/ingest/rate-limiter';
import { StatsBuffer } from '../../server/src/stats/stats-buffer';

describe('RateLimiter', () => {
  it('allows `limit` requests per window per client, then says when to retry', () => {
    let now = 0;
    const limiter = new RateLimiter(3, 60_000, () => now);
    expect([1, 2, 3].map(() => limiter.hit('a'))).toEqual([0, 0, 0]);
    expect(limiter.hit('a')).toBe(60);
    expect(limiter.hit('b')).toBe(0);
    now = 45_000;
    expect(limiter.hit('a')).toBe(15);
    now = 60_000;
    expect(limiter.hit('a')).toBe(0);
  });

  it('remembers a bounded number of clients', () => {
    const limiter = new RateLimiter(1, 60_000, Date.now, 2);
    limiter.hit('a');
    limiter.hit('b');
    limiter.hit('c');
    expect(limiter.hit('a')).toBe(0);
  });
});

describe('StatsBuffer', () => {
  it('sums counts per day and writes them on flush, keeping what failed to write', async () => {
    const written: [number, Record<string, number>][] = [];
    let fail = true;
    const buffer = new StatsBuffer(
      {
        counts: async (day, counts) => {
          if (fail) throw new Error('down');
          written.push([day, counts]);
        },
        activeVisitors: async () => {},
        seenNames: async () => {},
      },
      60_000,
      () => 86_400_000 * 3 + 5
    );
    buffer.count('events:page', 2);
    buffer.count('events:page');
    buffer.count('bots', 0);
    await buffer.flush();
    expect(written).toEqual([]);
    fail = false;
    buffer.count('bots');
    await buffer.flush();
    expect(written).toEqual([[3, { 'events:page': 3, bots: 1 }]]);
  });
});

describe('StatsBuffer: active visitors and names seen', () => {
  it('sends each day’s visitors and each new name once', async () => {
    const active: [number, string[]][] = [];
    const seen: [string, string[]][] = [];
    const buffer = new StatsBuffer(
      {
        counts: async () => {},
        activeVisitors: async (day, ids) => void active.push([day, ids]),
        seenNames: async (family, names) => void seen.push([family, names]),
      },
      60_000,
      () => 86_400_000 * 2
    );
    buffer.active('a');
    buffer.active('a');
    buffer.active('b');
    buffer.seen('events', 'Signup');
    await buffer.flush();
    buffer.seen('events', 'Signup');
    buffer.seen('events', 'Order Completed');
    await buffer.flush();
    expect(active).toEqual([[2, ['a', 'b']]]);
    expect(seen).toEqual([['events', ['Signup']], ['events', ['Order Completed']]]);
  });
});
