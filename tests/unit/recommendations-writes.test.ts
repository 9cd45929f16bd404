import type { VisitorEngagements } from '../../server/src/recommendations/co-engagement-batch';
import { visitorEntries } from '../../server/src/recommendations/co-engagement-batch';
import { CoEngagementWrites } from '../../server/src/recommendations/co-engagement-writes';

const M = (id: string) => `api::movie.movie/${id}`;
const view = (item: string, at: number) => ({ item, weight: 1, at });

/** A store that remembers its calls and fails while told to. */
const recordingStore = () => {
  const calls: { batch: VisitorEngagements[]; now: number }[] = [];
  let failing = false;
  return {
    calls,
    fail: (value: boolean) => (failing = value),
    record: async (batch: VisitorEngagements[], now: number) => {
      if (failing) throw new Error('store down');
      calls.push({ batch: structuredClone(batch), now });
    },
  };
};

describe('co-engagement writes waiting for a flush', () => {
  it('coalesces a visitor’s engagements into one entry per flush, with the latest segments', async () => {
    const store = recordingStore();
    const writes = new CoEngagementWrites(store, { flushMs: 60_000 }, () => 1000);
    await writes.add('visitor-a1', ['new'], [view(M('a'), 1)]);
    await writes.add('visitor-b1', [], [view(M('x'), 2)]);
    await writes.add('visitor-a1', ['fans'], [view(M('b'), 3)]);
    expect(writes.size).toBe(3);
    expect(store.calls).toEqual([]);
    await writes.flush();
    expect(store.calls).toEqual([
      {
        now: 1000,
        batch: [
          { visitorId: 'visitor-a1', segments: ['fans'], items: [view(M('a'), 1), view(M('b'), 3)] },
          { visitorId: 'visitor-b1', segments: [], items: [view(M('x'), 2)] },
        ],
      },
    ]);
    expect(writes.size).toBe(0);
    await writes.flush();
    expect(store.calls).toHaveLength(1);
    await writes.close();
  });

  it('flushes at once when full, and the caller that filled it waits for the flush', async () => {
    const store = recordingStore();
    const writes = new CoEngagementWrites(store, { flushMs: 60_000, flushSize: 3 });
    await writes.add('visitor-a1', [], [view(M('a'), 1), view(M('b'), 2)]);
    expect(store.calls).toHaveLength(0);
    await writes.add('visitor-b1', [], [view(M('c'), 3)]);
    expect(store.calls).toHaveLength(1);
    await writes.close();
  });

  it('keeps a failed batch under newer engagements, within a bound', async () => {
    const store = recordingStore();
    const writes = new CoEngagementWrites(store, { flushMs: 60_000, pendingLimit: 3 });
    store.fail(true);
    await writes.add('visitor-a1', [], [view(M('a'), 1)]);
    await writes.flush();
    expect(writes.size).toBe(1);
    await writes.add('visitor-a1', ['fans'], [view(M('b'), 2)]);
    store.fail(false);
    await writes.flush();
    expect(store.calls[0].batch).toEqual([{ visitorId: 'visitor-a1', segments: ['fans'], items: [view(M('a'), 1), view(M('b'), 2)] }]);

    store.fail(true);
    await writes.add('visitor-a1', [], [view(M('c'), 3), view(M('d'), 4)]);
    await writes.flush();
    expect(writes.size).toBe(2);
    await writes.add('visitor-b1', [], [view(M('e'), 5), view(M('f'), 6)]);
    await writes.flush(); // 4 waiting > 3: dropped rather than held without bound
    expect(writes.size).toBe(0);
    store.fail(false);
    await writes.close();
    expect(store.calls).toHaveLength(1);
  });

  it('forgets an erased visitor’s waiting engagements, and takes nothing after close', async () => {
    const store = recordingStore();
    const writes = new CoEngagementWrites(store, { flushMs: 60_000 });
    await writes.add('visitor-a1', [], [view(M('a'), 1)]);
    await writes.add('visitor-b1', [], [view(M('b'), 1)]);
    writes.forget(['visitor-a1', 'visitor-zz']);
    expect(writes.size).toBe(1);
    await writes.close();
    expect(store.calls[0].batch.map((entry) => entry.visitorId)).toEqual(['visitor-b1']);
    await writes.add('visitor-c1', [], [view(M('c'), 1)]);
    expect(writes.size).toBe(0);
  });
});

describe('a record batch per visitor', () => {
  it('merges a visitor’s entries, drops invalid ids and items, clamps times to now', () => {
    const entries = visitorEntries(
      [
        { visitorId: 'visitor-a1', segments: ['x'], items: [view(M('a'), 5), view(M('a'), 3)] },
        { visitorId: 'no', segments: [], items: [view(M('a'), 1)] },
        { visitorId: 'visitor-b1', segments: [], items: [view('bad key', 1)] },
        { visitorId: 'visitor-a1', segments: ['y'], items: [view(M('b'), 99)] },
      ],
      10
    );
    expect(entries).toEqual([
      {
        visitorId: 'visitor-a1',
        segments: ['y'],
        items: [view(M('a'), 5), view(M('a'), 3), view(M('b'), 10)],
        history: [
          { item: M('a'), at: 5 },
          { item: M('b'), at: 10 },
        ],
      },
    ]);
  });
});
