/**
 * The analytics store's contract (`analytics/store/`): daily site counters, visitors active per
 * day, names seen in events; against Redis and memory.
 */
import { newVisitor, describeEachDriver } from './drivers';

describeEachDriver((stores) => {
  it('adds up daily site-wide counters', async () => {
    const day = 20_000;
    await stores.analytics.incrementStats(day, { 'events:page': 3, bots: 1 });
    await stores.analytics.incrementStats(day, { 'events:page': 2 });
    await stores.analytics.incrementStats(day + 2, { 'events:track': 7 });
    expect(await stores.analytics.readStats(day, day + 2)).toEqual({
      [day]: { 'events:page': 5, bots: 1 },
      [day + 2]: { 'events:track': 7 },
    });
  });

  it('counts a flush once, however often it is sent, and never one older than a flush applied', async () => {
    const day = 20_000;
    await stores.analytics.incrementStats(day, { bots: 2 }, { writer: 'w1', seq: 1 });
    // The same flush again (its reply was lost): skipped.
    await stores.analytics.incrementStats(day, { bots: 2 }, { writer: 'w1', seq: 1 });
    await stores.analytics.incrementStats(day, { bots: 3, degraded: 1 }, { writer: 'w1', seq: 2 });
    // A stale resend of flush 1 arriving after flush 2: skipped too.
    await stores.analytics.incrementStats(day, { bots: 2 }, { writer: 'w1', seq: 1 });
    // Another writer numbers its own flushes; another day keeps its own record.
    await stores.analytics.incrementStats(day, { bots: 10 }, { writer: 'w2', seq: 1 });
    await stores.analytics.incrementStats(day + 1, { bots: 1 }, { writer: 'w1', seq: 1 });
    expect(await stores.analytics.readStats(day, day + 1)).toEqual({ [day]: { bots: 15, degraded: 1 }, [day + 1]: { bots: 1 } });
  });

  it('counts the visitors active on each day (approximately in Redis: exact at this size)', async () => {
    const [a, b, c] = [newVisitor(), newVisitor(), newVisitor()];
    await stores.analytics.addActiveVisitors(20_000, [a, b]);
    await stores.analytics.addActiveVisitors(20_000, [b, c]);
    await stores.analytics.addActiveVisitors(20_001, [a]);
    await stores.analytics.addActiveVisitors(20_001, []);
    expect(await stores.analytics.countActiveVisitors([20_000, 20_001, 20_002])).toEqual({ 20_000: 3, 20_001: 1, 20_002: 0 });
  });

  it('keeps the names seen in events per family, sorted, at most `limit`', async () => {
    await stores.analytics.addSeenNames('events', ['Signup', 'Add To Cart']);
    await stores.analytics.addSeenNames('events', ['Signup']);
    await stores.analytics.addSeenNames('topics', ['tech']);
    expect(await stores.analytics.seenNames('events', 10)).toEqual(['Add To Cart', 'Signup']);
    expect(await stores.analytics.seenNames('events', 1)).toHaveLength(1);
    expect(await stores.analytics.seenNames('pages', 10)).toEqual([]);
  });
});
