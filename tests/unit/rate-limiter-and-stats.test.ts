import { siteCountsOfBatch } from '../../server/src/analytics/site-counts';
import { RateLimiter } from '../../server/src/ingest/rate-limiter';
import { clientAddressHash } from '../../server/src/shared/http';
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

describe('clientAddressHash', () => {
  const request = (socket: object, ip: string) => ({ ip, req: { socket } }) as unknown as Parameters<typeof clientAddressHash>[0];

  it('is a pseudonym per address, computed once per connection and again when a proxy forwards another address', () => {
    const socket = {};
    const first = clientAddressHash(request(socket, '203.0.113.7'));
    expect(first).toMatch(/^[\w-]{22}$/);
    expect(first).not.toContain('203');
    expect(clientAddressHash(request(socket, '203.0.113.7'))).toBe(first);
    // One proxy connection carries many visitors: each keeps its own pseudonym.
    const other = clientAddressHash(request(socket, '198.51.100.9'));
    expect(other).not.toBe(first);
    expect(clientAddressHash(request(socket, '203.0.113.7'))).toBe(first);
    expect(clientAddressHash(request({}, '203.0.113.7'))).toBe(first);
    expect(clientAddressHash(request({}, '198.51.100.9'))).toBe(other);
  });
});

describe('StatsBuffer', () => {
  const DAY3 = 86_400_000 * 3 + 5;

  it('sums counts per day and writes them on flush', async () => {
    const written: [number, Record<string, number>][] = [];
    const buffer = new StatsBuffer(
      { counts: async (day, counts) => void written.push([day, counts]), activeVisitors: async () => {}, seenNames: async () => {} },
      { flushMs: 60_000, clock: () => DAY3 }
    );
    buffer.count('events:page', 2);
    buffer.count('events:page');
    buffer.count('bots', 0);
    await buffer.flush();
    expect(written).toEqual([[3, { 'events:page': 3 }]]);
    await buffer.close();
  });

  it('sends a failed flush again as it was, under its number, before anything newer', async () => {
    const sent: [number, Record<string, number>, number][] = [];
    let fail = true;
    const buffer = new StatsBuffer(
      {
        counts: async (day, counts, flush) => {
          sent.push([day, counts, flush.seq]);
          if (fail) throw new Error('down');
        },
        activeVisitors: async () => {},
        seenNames: async () => {},
      },
      { flushMs: 60_000, clock: () => DAY3 }
    );
    buffer.count('events:page', 3);
    await buffer.flush();
    // Added while the first flush is unconfirmed: not merged into it (it may have been applied).
    buffer.count('bots');
    buffer.count('events:page');
    await buffer.flush();
    fail = false;
    buffer.count('bots');
    await buffer.flush();
    expect(sent).toEqual([
      [3, { 'events:page': 3 }, 1],
      [3, { 'events:page': 3 }, 1],
      [3, { 'events:page': 3 }, 1],
      [3, { bots: 2, 'events:page': 1 }, 3],
    ]);
    expect(buffer.size).toBe(0);
    await buffer.close();
  });

  it('drops, and reports, visitors past its bound and what is left unwritten at close', async () => {
    const drops: number[] = [];
    const buffer = new StatsBuffer(
      {
        counts: async () => {
          throw new Error('down');
        },
        activeVisitors: async () => {
          throw new Error('down');
        },
        seenNames: async () => {},
      },
      { flushMs: 60_000, maxActive: 2, clock: () => DAY3, onDropped: (count) => drops.push(count) }
    );
    for (const id of ['a', 'b', 'b', 'c']) buffer.active(id);
    expect(drops).toEqual([1]);
    buffer.count('bots');
    await buffer.close();
    // The unconfirmed flush (one entry) could not be written before shutdown.
    expect(drops).toEqual([1, 1]);
    expect(buffer.dropped).toBe(2);
    buffer.count('bots');
    expect(buffer.dropped).toBe(3);
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
      { flushMs: 60_000, clock: () => 86_400_000 * 2 }
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
    await buffer.close();
  });
});

describe('site-wide counts of a batch', () => {
  it('count each applied event under its counter, and the skipped ones as duplicates', () => {
    expect(siteCountsOfBatch(['events:page', 'events:track', 'events:page', 'events:page'], [true, true, false, true], 1)).toEqual({
      'events:page': 2,
      'events:track': 1,
      duplicates: 1,
    });
    expect(siteCountsOfBatch(['events:page'], [false], 1)).toEqual({ duplicates: 1 });
  });
});
