import type { VisitorEngagements } from '../../server/src/recommendations/co-engagement-batch';
import { visitorEntries } from '../../server/src/recommendations/co-engagement-batch';
import { CoEngagementWrites } from '../../server/src/recommendations/co-engagement-writes';
import { PagePathWrites } from '../../server/src/recommendations/page-path-writes';
import type { PagePathIncrements } from '../../server/src/recommendations/page-paths';

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
    writes.add('visitor-a1', ['new'], [view(M('a'), 1)]);
    writes.add('visitor-b1', [], [view(M('x'), 2)]);
    writes.add('visitor-a1', ['fans'], [view(M('b'), 3)]);
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

  it('starts a flush at once when full, without making the caller wait, one flush at a time', async () => {
    let release = () => {};
    const calls: VisitorEngagements[][] = [];
    const slowStore = {
      record: (batch: VisitorEngagements[]) => {
        calls.push(batch);
        return new Promise<void>((resolve) => (release = resolve));
      },
    };
    const writes = new CoEngagementWrites(slowStore, { flushMs: 60_000, flushSize: 3 });
    writes.add('visitor-a1', [], [view(M('a'), 1), view(M('b'), 2)]);
    expect(calls).toHaveLength(0);
    expect(writes.add('visitor-b1', [], [view(M('c'), 3)])).toBeUndefined();
    expect(calls).toHaveLength(1);
    // Full again while the first flush runs: the next one waits for it, and asks share it.
    writes.add('visitor-c1', [], [view(M('d'), 4), view(M('e'), 5), view(M('f'), 6)]);
    const queued = writes.flush();
    expect(writes.flush()).toBe(queued);
    expect(calls).toHaveLength(1);
    release();
    await new Promise((resolve) => setImmediate(resolve));
    expect(calls).toHaveLength(2);
    expect(calls[1].map((entry) => entry.visitorId)).toEqual(['visitor-c1']);
    release();
    await queued;
    await writes.close();
  });

  it('keeps a failed batch under newer engagements, within a bound', async () => {
    const store = recordingStore();
    const writes = new CoEngagementWrites(store, { flushMs: 60_000, pendingLimit: 3 });
    store.fail(true);
    writes.add('visitor-a1', [], [view(M('a'), 1)]);
    await writes.flush();
    expect(writes.size).toBe(1);
    writes.add('visitor-a1', ['fans'], [view(M('b'), 2)]);
    store.fail(false);
    await writes.flush();
    expect(store.calls[0].batch).toEqual([{ visitorId: 'visitor-a1', segments: ['fans'], items: [view(M('a'), 1), view(M('b'), 2)] }]);

    store.fail(true);
    writes.add('visitor-a1', [], [view(M('c'), 3), view(M('d'), 4)]);
    await writes.flush();
    expect(writes.size).toBe(2);
    // 2 waiting + 2 > 3: the new engagements are dropped, and counted.
    writes.add('visitor-b1', [], [view(M('e'), 5), view(M('f'), 6)]);
    expect(writes.size).toBe(2);
    expect(writes.dropped).toBe(2);
    store.fail(false);
    await writes.close();
    expect(store.calls[1].batch).toEqual([{ visitorId: 'visitor-a1', segments: [], items: [view(M('c'), 3), view(M('d'), 4)] }]);
  });

  it('reports every drop, a failed batch that no longer fits included, and what close could not write', async () => {
    const store = recordingStore();
    const drops: number[] = [];
    const writes = new CoEngagementWrites(store, { flushMs: 60_000, pendingLimit: 3, onDropped: (count) => drops.push(count) });
    store.fail(true);
    writes.add('visitor-a1', [], [view(M('a'), 1), view(M('b'), 2)]);
    const failing = writes.flush();
    // Added while the failing write is out: 2 waiting + the 2 failed > 3, so the failed ones go.
    writes.add('visitor-b1', [], [view(M('c'), 3), view(M('d'), 4)]);
    await failing;
    expect(drops).toEqual([2]);
    expect(writes.size).toBe(2);
    await writes.close();
    expect(drops).toEqual([2, 2]);
    expect(writes.dropped).toBe(4);
  });

  it('forgets an erased visitor’s waiting engagements, and takes nothing after close', async () => {
    const store = recordingStore();
    const writes = new CoEngagementWrites(store, { flushMs: 60_000 });
    writes.add('visitor-a1', [], [view(M('a'), 1)]);
    writes.add('visitor-b1', [], [view(M('b'), 1)]);
    writes.forget(['visitor-a1', 'visitor-zz']);
    expect(writes.size).toBe(1);
    await writes.close();
    expect(store.calls[0].batch.map((entry) => entry.visitorId)).toEqual(['visitor-b1']);
    writes.add('visitor-c1', [], [view(M('c'), 1)]);
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

describe('page path transitions waiting for a flush', () => {
  const settings = { halfLifeSec: 86_400, landmarkSec: 0 } as never;
  const pagePathStore = () => {
    const calls: unknown[] = [];
    let failing = false;
    return {
      calls,
      settings,
      fail: (value: boolean) => (failing = value),
      recordPagePaths: async (increments: PagePathIncrements) => {
        if (failing) throw new Error('store down');
        // As plain objects: a copy made when written, in this realm.
        calls.push({ pages: Object.fromEntries(increments.pages), next: Object.fromEntries([...increments.next].map(([page, steps]) => [page, Object.fromEntries(steps)])) });
      },
    };
  };
  const hop = (from: string, to: string) => ({ from, to, at: 0 });

  it('sums the transitions of many batches into one write per flush', async () => {
    const store = pagePathStore();
    const writes = new PagePathWrites(store, { flushMs: 60_000 });
    writes.add([hop('Pricing', 'page:Docs')]);
    writes.add([hop('Pricing', 'page:Docs'), hop('Pricing', 'event:Signup')]);
    writes.add([]);
    expect(writes.size).toBe(3);
    await writes.flush();
    expect(store.calls).toEqual([
      { pages: { Pricing: 3 }, next: { Pricing: { 'page:Docs': 2, 'event:Signup': 1 } } },
    ]);
    expect(writes.size).toBe(0);
  });

  it('keeps a failed write for the next flush, summed with newer transitions, and drops past the bound, counted', async () => {
    const store = pagePathStore();
    const dropped: number[] = [];
    const writes = new PagePathWrites(store, { flushMs: 60_000, pendingLimit: 3, onDropped: (count) => dropped.push(count) });
    writes.add([hop('Pricing', 'page:Docs')]);
    store.fail(true);
    await writes.flush();
    writes.add([hop('Pricing', 'page:Docs')]);
    writes.add([hop('Docs', 'page:Pricing'), hop('Docs', 'page:Pricing')]);
    expect(dropped).toEqual([2]);
    store.fail(false);
    await writes.flush();
    expect(store.calls).toEqual([{ pages: { Pricing: 2 }, next: { Pricing: { 'page:Docs': 2 } } }]);
    await writes.close();
    writes.add([hop('Pricing', 'page:Docs')]);
    expect(writes.size).toBe(0);
  });
});
