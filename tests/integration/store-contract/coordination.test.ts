/**
 * The coordination store's contract (`coordination/store/`): locks, job status, change counters
 * and publish/subscribe between instances; against Redis and memory.
 */
import { describeEachDriver } from './drivers';

describeEachDriver((stores) => {
  it('keeps job status', async () => {
    expect(await stores.coordination.readJobStatus('reevaluation')).toBeNull();
    await stores.coordination.writeJobStatus('reevaluation', { state: 'running', scanned: 10 });
    expect(await stores.coordination.readJobStatus('reevaluation')).toEqual({ state: 'running', scanned: 10 });
  });

  it('gives a lock to one owner at a time, renewable by its owner', async () => {
    expect(await stores.coordination.acquireLock('job', 'a', 30)).toBe(true);
    expect(await stores.coordination.acquireLock('job', 'b', 30)).toBe(false);
    expect(await stores.coordination.acquireLock('job', 'a', 30)).toBe(true);
    await stores.coordination.releaseLock('job', 'b');
    expect(await stores.coordination.acquireLock('job', 'b', 30)).toBe(false);
    await stores.coordination.releaseLock('job', 'a');
    expect(await stores.coordination.acquireLock('job', 'b', 30)).toBe(true);
  });


  describe('a shared pass', () => {
    const proposal = (id: string, version = 'v1') => ({ id, version, partitions: 2, startedAt: 1_000, plan: '{"reason":"test"}' });

    it('is joined by a second instance of the same version, its partitions claimed once each, then the finishing step', async () => {
      const { coordination } = stores;
      const first = await coordination.beginPass('job', proposal('p1'));
      const joined = await coordination.beginPass('job', proposal('p2'));
      expect(joined.id).toBe('p1');
      expect(first).toMatchObject({ id: 'p1', state: 'running', partitions: 2, partitionsDone: 0, claimed: 0 });
      expect(await coordination.claimPartition('job', 'p1', 'a', 60_000)).toBe(0);
      expect(await coordination.claimPartition('job', 'p1', 'b', 60_000)).toBe(1);
      expect(await coordination.claimPartition('job', 'p1', 'c', 60_000)).toBeNull();
      expect(await coordination.renewPartition('job', 'p1', 0, 'a', 60_000, 7)).toBe(true);
      expect(await coordination.renewPartition('job', 'p1', 0, 'b', 60_000, 7)).toBe(false);
      expect(await coordination.readPass('job')).toMatchObject({ claimed: 2, progress: 7 });
      expect(await coordination.finishPartition('job', 'p1', 0, 'a', { scanned: 10, h5: 2 }, { h5: 0.051 })).toBe(true);
      expect(await coordination.finishPartition('job', 'p1', 0, 'a', { scanned: 10 }, {})).toBe(false);
      // The finishing step waits for every partition.
      expect(await coordination.claimPartition('job', 'p1', 'a', 60_000)).toBeNull();
      expect(await coordination.finishPartition('job', 'p1', 1, 'b', { scanned: 5, h5: 1 }, { h5: 0.058 })).toBe(true);
      expect(await coordination.claimPartition('job', 'p1', 'a', 60_000)).toBe(2);
      expect(await coordination.claimPartition('job', 'p1', 'b', 60_000)).toBeNull();
      expect(await coordination.readPass('job')).toMatchObject({ partitionsDone: 2, totals: { scanned: 15, h5: 3 }, maxima: { h5: 0.058 }, progress: 0 });
      expect(await coordination.completePass('job', 'p1', 'b', 2_000)).toBe(false);
      expect(await coordination.completePass('job', 'p1', 'a', 2_000)).toBe(true);
      expect(await coordination.readPass('job')).toMatchObject({ state: 'done', finishedAt: 2_000, lastCompleted: { startedAt: 1_000, version: 'v1' } });
      // The next pass begins afresh and keeps the last completed one's start.
      const next = await coordination.beginPass('job', { ...proposal('p3'), startedAt: 3_000 });
      expect(next).toMatchObject({ id: 'p3', state: 'running', partitionsDone: 0, totals: {}, lastCompleted: { startedAt: 1_000 } });
    });

    it('gives a partition whose claim expired, or was given back, to another instance', async () => {
      const { coordination } = stores;
      await coordination.beginPass('job', proposal('p1'));
      expect(await coordination.claimPartition('job', 'p1', 'a', 50)).toBe(0);
      expect(await coordination.claimPartition('job', 'p1', 'a', 60_000)).toBe(1);
      await coordination.releasePartition('job', 'p1', 1, 'a', 'timed out');
      expect(await coordination.readPass('job')).toMatchObject({ claimed: 1, error: 'timed out' });
      await new Promise((resolve) => setTimeout(resolve, 80));
      expect(await coordination.claimPartition('job', 'p1', 'b', 60_000)).toBe(0);
      expect(await coordination.claimPartition('job', 'p1', 'b', 60_000)).toBe(1);
      // The instance that lost its claim can no longer finish it.
      expect(await coordination.finishPartition('job', 'p1', 0, 'a', { scanned: 1 }, {})).toBe(false);
    });

    it('is replaced by a pass of another version, whose claims the old pass cannot use', async () => {
      const { coordination } = stores;
      await coordination.beginPass('job', proposal('p1'));
      expect(await coordination.claimPartition('job', 'p1', 'a', 60_000)).toBe(0);
      expect((await coordination.beginPass('job', proposal('p2', 'v2'))).id).toBe('p2');
      expect(await coordination.renewPartition('job', 'p1', 0, 'a', 60_000, 1)).toBe(false);
      expect(await coordination.claimPartition('job', 'p1', 'a', 60_000)).toBeNull();
      expect(await coordination.claimPartition('job', 'p2', 'b', 60_000)).toBe(0);
    });
  });

  it('delivers published messages to subscribers', async () => {
    const received: string[] = [];
    const unsubscribe = await stores.coordination.subscribe('segments-changed', (message) => received.push(message));
    await stores.coordination.publish('segments-changed', 'v1');
    for (let i = 0; i < 50 && received.length === 0; i++) await new Promise((resolve) => setTimeout(resolve, 10));
    expect(received).toEqual(['v1']);
    await unsubscribe();
  });

  it('counts changes per topic and announces each one', async () => {
    const received: string[] = [];
    const unsubscribe = await stores.coordination.subscribe('variants', (message) => received.push(message));
    expect(await stores.coordination.changeVersions()).toEqual({});
    expect(await stores.coordination.announceChange('variants', 'm1')).toBe(1);
    expect(await stores.coordination.announceChange('variants', 'm2')).toBe(2);
    expect(await stores.coordination.announceChange('segments', 'm3')).toBe(1);
    expect(await stores.coordination.changeVersions()).toEqual({ variants: 2, segments: 1 });
    for (let i = 0; i < 50 && received.length < 2; i++) await new Promise((resolve) => setTimeout(resolve, 10));
    expect(received).toEqual(['m1', 'm2']);
    await unsubscribe();
  });
});
