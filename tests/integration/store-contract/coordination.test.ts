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
