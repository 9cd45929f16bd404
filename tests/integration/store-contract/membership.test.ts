/**
 * The membership store's contract (`segments/store/`): a visitor's segments, member sets, sizes, the
 * log of entries and exits, and erasing a visitor from all of them; against Redis and memory.
 */
import { eraseVisitor } from '../../../server/src/identity/erase-visitor';
import { retireVisitor } from '../../../server/src/identity/retire-visitor';
import { NOW, SETTINGS, newVisitor, describeEachDriver } from './drivers';

describeEachDriver((stores) => {
  it('stores membership changes, member sets and a log of entries and exits', async () => {
    const [a, b] = [newVisitor(), newVisitor()];
    await stores.membership.updateMembership(a, { previous: [], segments: ['new', 'fans'], entered: ['new', 'fans'], left: [] }, NOW - 10, SETTINGS.retentionSec);
    await stores.membership.updateMembership(b, { previous: [], segments: ['new'], entered: ['new'], left: [] }, NOW - 5, SETTINGS.retentionSec);
    await stores.membership.updateMembership(a, { previous: ['new', 'fans'], segments: ['fans'], entered: [], left: ['new'] }, NOW, SETTINGS.retentionSec);
    expect(await stores.membership.readSegments(a)).toEqual(['fans']);
    expect(await stores.membership.segmentMembers('new', 10)).toEqual([{ visitorId: b, confirmedAt: NOW - 5 }]);
    expect(await stores.membership.segmentSizes(['new', 'fans', 'none'])).toEqual({ new: 1, fans: 1, none: 0 });
    expect(await stores.membership.membershipLog(10)).toEqual([
      { visitorId: a, segment: 'new', change: 'leave', at: NOW },
      { visitorId: b, segment: 'new', change: 'enter', at: NOW - 5 },
      { visitorId: a, segment: 'fans', change: 'enter', at: NOW - 10 },
      { visitorId: a, segment: 'new', change: 'enter', at: NOW - 10 },
    ]);
  });

  it('writes membership only over the membership it was computed from: a stale write changes and logs nothing', async () => {
    const visitor = newVisitor();
    expect(await stores.membership.updateMembership(visitor, { previous: [], segments: ['fans'], entered: ['fans'], left: [] }, NOW - 10, SETTINGS.retentionSec)).toBe(true);
    // A second writer computed from the same old snapshot (before 'fans'): refused.
    expect(await stores.membership.updateMembership(visitor, { previous: [], segments: ['new'], entered: ['new'], left: [] }, NOW - 9, SETTINGS.retentionSec)).toBe(false);
    expect(await stores.membership.readSegments(visitor)).toEqual(['fans']);
    expect(await stores.membership.segmentSizes(['fans', 'new'])).toEqual({ fans: 1, new: 0 });
    expect((await stores.membership.membershipLog(10)).filter((event) => event.visitorId === visitor)).toEqual([{ visitorId: visitor, segment: 'fans', change: 'enter', at: NOW - 10 }]);
  });

  it('writes the other changes when a visitor enters and leaves a segment between two writes', async () => {
    const [a, b] = [newVisitor(), newVisitor()];
    await stores.membership.updateMembership(a, { previous: [], segments: ['brief'], entered: ['brief'], left: [] }, NOW - 2, SETTINGS.retentionSec);
    await stores.membership.updateMembership(b, { previous: [], segments: ['steady'], entered: ['steady'], left: [] }, NOW - 1, SETTINGS.retentionSec);
    await stores.membership.updateMembership(a, { previous: ['brief'], segments: [], entered: [], left: ['brief'] }, NOW, SETTINGS.retentionSec);
    expect(await stores.membership.segmentSizes(['brief', 'steady'])).toEqual({ brief: 0, steady: 1 });
    expect(await stores.membership.segmentMembers('steady', 10)).toEqual([{ visitorId: b, confirmedAt: NOW - 1 }]);
    // Written once: nothing of that write is left to be written again.
    const ours = (await stores.membership.membershipLog(100)).filter((event) => event.visitorId === a || event.visitorId === b);
    expect(ours).toEqual([
      { visitorId: a, segment: 'brief', change: 'leave', at: NOW },
      { visitorId: b, segment: 'steady', change: 'enter', at: NOW - 1 },
      { visitorId: a, segment: 'brief', change: 'enter', at: NOW - 2 },
    ]);
  });

  it('confirms members and prunes those not confirmed since a time', async () => {
    const [a, b, c] = [newVisitor(), newVisitor(), newVisitor()];
    await stores.membership.confirmMembers('fans', [a, b, c], NOW - 100);
    await stores.membership.confirmMembers('fans', [b], NOW);
    await stores.membership.pruneSegmentMembers('fans', NOW - 50);
    expect(await stores.membership.segmentMembers('fans', 10)).toEqual([{ visitorId: b, confirmedAt: NOW }]);
    await stores.membership.deleteSegmentData('fans');
    expect(await stores.membership.segmentSizes(['fans'])).toEqual({ fans: 0 });
  });

  it('keeps daily segment sizes', async () => {
    await stores.membership.recordSegmentSizes(20_000, { fans: 10, new: 3 });
    await stores.membership.recordSegmentSizes(20_001, { fans: 12 });
    expect(await stores.membership.segmentSizeHistory('fans', 20_000, 20_005)).toEqual({ 20_000: 10, 20_001: 12 });
    expect(await stores.membership.segmentSizeHistory('fans', 20_001, 20_001)).toEqual({ 20_001: 12 });
  });


  it('keeps the engagement distribution', async () => {
    expect(await stores.membership.readEngagementCuts()).toEqual([]);
    await stores.membership.writeEngagementCuts([0, 1.5, 3]);
    expect(await stores.membership.readEngagementCuts()).toEqual([0, 1.5, 3]);
  });

  it('erases a visitor from member sets and the segment log, pending writes included', async () => {
    const [gone, stays] = [newVisitor(), newVisitor()];
    await stores.profiles.applyUpdates(gone, [{ ts: NOW, incr: { pv: 1 } }], SETTINGS, NOW);
    await stores.membership.updateMembership(gone, { previous: [], segments: ['fans'], entered: ['fans'], left: [] }, NOW - 10, SETTINGS.retentionSec);
    await stores.membership.updateMembership(stays, { previous: [], segments: ['fans'], entered: ['fans'], left: [] }, NOW - 5, SETTINGS.retentionSec);
    expect(await stores.membership.segmentSizes(['fans'])).toEqual({ fans: 2 });
    // A change still waiting for the next write when the erase comes.
    await stores.membership.updateMembership(gone, { previous: ['fans'], segments: ['fans', 'new'], entered: ['new'], left: [] }, NOW, SETTINGS.retentionSec);
    expect(await eraseVisitor(stores, gone, ['fans', 'new'])).toBe(true);
    expect(await stores.membership.segmentMembers('fans', 10)).toEqual([{ visitorId: stays, confirmedAt: NOW - 5 }]);
    expect(await stores.membership.segmentSizes(['new'])).toEqual({ new: 0 });
    expect((await stores.membership.membershipLog(100)).map((event) => event.visitorId)).toEqual([stays]);
  });

  it("erases the log entries of a merged visitor written after its merge", async () => {
    const [user, device] = [newVisitor(), newVisitor()];
    for (const id of [user, device]) await stores.profiles.applyUpdates(id, [{ ts: NOW, incr: { pv: 1 } }], SETTINGS, NOW);
    await stores.membership.updateMembership(device, { previous: [], segments: ['fans'], entered: ['fans'], left: [] }, NOW, SETTINGS.retentionSec);
    // Merged before that change was written: the entry is written under the device's id.
    await retireVisitor(stores, device, user, SETTINGS.retentionSec);
    expect((await stores.membership.membershipLog(10)).map((event) => event.visitorId)).toEqual([device]);
    await eraseVisitor(stores, user, ['fans']);
    expect(await stores.membership.membershipLog(10)).toEqual([]);
  });

});
