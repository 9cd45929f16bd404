import { MembershipWrites } from '../../server/src/segments/store/membership-writes';

describe('membership writes waiting for a flush (pure)', () => {
  it('collects member-set changes per segment and one log entry per batch', () => {
    const writes = new MembershipWrites();
    writes.record('a', { entered: ['new', 'fans'], left: [] }, 100, 86_400);
    writes.record('b', { entered: ['new'], left: [] }, 101, 86_400);
    expect(writes.size).toBe(5);
    const batch = writes.take();
    expect([...batch.added.get('new')!]).toEqual([['a', 100], ['b', 101]]);
    expect([...batch.added.get('fans')!]).toEqual([['a', 100]]);
    expect(batch.log).toEqual([
      { visitorId: 'a', entered: ['new', 'fans'], left: [], at: 100, retentionSec: 86_400 },
      { visitorId: 'b', entered: ['new'], left: [], at: 101, retentionSec: 86_400 },
    ]);
    expect(writes.size).toBe(0);
    expect(writes.take().log).toEqual([]);
  });

  it('keeps only the last change of a visitor in a segment, and every log entry', () => {
    const writes = new MembershipWrites();
    writes.record('a', { entered: ['new'], left: [] }, 100, 86_400);
    writes.record('a', { entered: [], left: ['new'] }, 102, 86_400);
    let batch = writes.take();
    expect(batch.added.get('new')!.size).toBe(0);
    expect([...batch.removed.get('new')!]).toEqual(['a']);
    expect(batch.log).toHaveLength(2);

    writes.record('a', { entered: [], left: ['new'] }, 103, 86_400);
    writes.record('a', { entered: ['new'], left: [] }, 104, 86_400);
    batch = writes.take();
    expect(batch.removed.get('new')!.size).toBe(0);
    expect([...batch.added.get('new')!]).toEqual([['a', 104]]);
  });

  it('puts a failed batch back under newer changes, within a bound', () => {
    const writes = new MembershipWrites();
    writes.record('a', { entered: ['new'], left: [] }, 100, 86_400);
    const failed = writes.take();
    writes.record('a', { entered: [], left: ['new'] }, 105, 86_400);
    expect(writes.restore(failed, 1_000)).toBe(0);
    const merged = writes.take();
    // The newer exit wins over the failed entry; both log entries are kept, in order.
    expect(merged.added.get('new')!.size).toBe(0);
    expect([...merged.removed.get('new')!]).toEqual(['a']);
    expect(merged.log.map((change) => change.at)).toEqual([100, 105]);

    writes.record('b', { entered: ['x'], left: [] }, 110, 86_400);
    const failedAgain = writes.take();
    expect(writes.restore(failedAgain, 1)).toBe(1);
    expect(writes.size).toBe(0);
  });

  it('forgets every waiting change of erased visitors', () => {
    const writes = new MembershipWrites();
    writes.record('a', { entered: ['new'], left: [] }, 100, 86_400);
    writes.record('b', { entered: ['new'], left: ['old'] }, 101, 86_400);
    writes.forget(['b']);
    const batch = writes.take();
    expect([...batch.added.get('new')!.keys()]).toEqual(['a']);
    expect([...(batch.removed.get('old') ?? [])]).toEqual([]);
    expect(batch.log.map((change) => change.visitorId)).toEqual(['a']);
  });
});
