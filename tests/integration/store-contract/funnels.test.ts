/**
 * Funnel progress in the profile store's contract: each case runs against the Redis apply script
 * and the memory driver. Progress advances with the batch, in the same atomic step as
 * de-duplication (a batch sent again advances nothing), and the steps reached are counted per entry
 * day and per segment as stored, in the site-wide daily counters.
 */
import { funnelField } from '../../../server/src/funnels/funnel-progress';
import type { Stores } from '../../../server/src/store/create-stores';
import type { EventUpdate, FunnelWindow } from '../../../server/src/store/profile-store';
import { DAY, SETTINGS, newVisitor, useDrivers } from './drivers';

const drivers = useDrivers({ fresh: true });

const WINDOW = 3_600;
/** A day of its own (far from the real clock's), starting at midnight UTC. */
const DAY0 = (Math.floor(Date.now() / 1000 / DAY) + 500) * DAY;
const NOW = DAY0 + 12 * 3_600;

/** The funnels the updates name by index: fA (index 0) and fB (index 1). */
const FUNNELS: FunnelWindow[] = [
  { key: 'fA', windowSec: WINDOW },
  { key: 'fB', windowSec: 60 },
];
const mask = (steps: number[]) => steps.reduce((bits, step) => bits | (1 << (step - 1)), 0);
const step = (ts: number, steps: number[], dedup?: number): EventUpdate => ({ ts, funnels: [0, mask(steps)], ...(dedup === undefined ? {} : { dedup }) });

describe.each(drivers.each)('%s driver', (_driverName, getStores) => {
  let stores: Stores;
  let visitor: string;
  const apply = async (events: EventUpdate[], now = NOW) => {
    const result = await stores.profiles.applyUpdates(visitor, events, SETTINGS, now, { siteCounters: events.map(() => 'events:track'), funnels: FUNNELS });
    if (result.status !== 'applied') throw new Error(JSON.stringify(result));
    return result;
  };
  const counts = async (day = Math.floor(NOW / DAY)) => {
    const stats = (await stores.analytics.readStats(day, day))[day] ?? {};
    return Object.fromEntries(Object.entries(stats).filter(([name]) => name.startsWith('funnel:')));
  };

  beforeEach(() => {
    stores = getStores();
    visitor = newVisitor();
  });

  it('advances step by step within the window and counts each step once, on the entry day', async () => {
    const result = await apply([step(NOW, [1]), step(NOW + 10, [2]), step(NOW + 20, [2]), step(NOW + 30, [3])]);
    expect(result.reached).toEqual([
      { funnel: 'fA', day: Math.floor(NOW / DAY), step: 1 },
      { funnel: 'fA', day: Math.floor(NOW / DAY), step: 2 },
      { funnel: 'fA', day: Math.floor(NOW / DAY), step: 3 },
    ]);
    expect(await counts()).toEqual({ 'funnel:fA:1': 1, 'funnel:fA:2': 1, 'funnel:fA:3': 1 });
    expect((await stores.profiles.readProfile(visitor))!.fields[funnelField('fA')]).toBe(`3|${NOW}|3`);
  });

  it('does not skip steps, and one event advances one step at most', async () => {
    await apply([step(NOW, [1]), step(NOW + 10, [3]), step(NOW + 20, [2, 3])]);
    expect(await counts()).toEqual({ 'funnel:fA:1': 1, 'funnel:fA:2': 1 });
  });

  it('restarts only after the window: a later step past it counts nothing, a first step past it starts again', async () => {
    await apply([step(NOW, [1]), step(NOW + 10, [1]), step(NOW + WINDOW + 1, [2])]);
    expect(await counts()).toEqual({ 'funnel:fA:1': 1 });
    // Same entry day: the visitor is not counted again for step 1, only for the step newly reached.
    await apply([step(NOW + WINDOW + 2, [1]), step(NOW + WINDOW + 3, [2])]);
    expect(await counts()).toEqual({ 'funnel:fA:1': 1, 'funnel:fA:2': 1 });
  });

  it('counts a new attempt on another entry day again, under that day', async () => {
    await apply([step(NOW, [1]), step(NOW + 5, [2])]);
    const tomorrow = NOW + DAY;
    await apply([step(tomorrow, [1])], tomorrow);
    expect(await counts()).toEqual({ 'funnel:fA:1': 1, 'funnel:fA:2': 1 });
    expect(await counts(Math.floor(tomorrow / DAY))).toEqual({ 'funnel:fA:1': 1 });
  });

  it('counts an attempt that crosses midnight under its entry day', async () => {
    const lateEvening = DAY0 + DAY - 60;
    await apply([step(lateEvening, [1])], lateEvening);
    await apply([step(lateEvening + 120, [2])], lateEvening + 120);
    expect(await counts(Math.floor(lateEvening / DAY))).toEqual({ 'funnel:fA:1': 1, 'funnel:fA:2': 1 });
    expect(await counts(Math.floor(lateEvening / DAY) + 1)).toEqual({});
  });

  it('advances nothing for a batch sent again (de-duplicated events)', async () => {
    const batch = [step(NOW, [1], 11), step(NOW + 10, [2], 12)];
    await apply(batch);
    const again = await apply(batch);
    expect(again.reached).toEqual([]);
    expect(await counts()).toEqual({ 'funnel:fA:1': 1, 'funnel:fA:2': 1 });
  });

  it('counts per segment the visitor belongs to as stored', async () => {
    await stores.membership.writeSegments(visitor, ['buyers', 'fans'], SETTINGS.retentionSec);
    await apply([step(NOW, [1]), step(NOW + 10, [2])]);
    expect(await counts()).toEqual({
      'funnel:fA:1': 1,
      'funnel:fA:1:buyers': 1,
      'funnel:fA:1:fans': 1,
      'funnel:fA:2': 1,
      'funnel:fA:2:buyers': 1,
      'funnel:fA:2:fans': 1,
    });
  });

  it('keeps funnels apart, ignores an index it was not given and events older than the entry, and leaves counting to the caller without siteCounters', async () => {
    const both: EventUpdate = { ts: NOW, funnels: [0, mask([1]), 1, mask([1]), 7, mask([1])] };
    const result = await stores.profiles.applyUpdates(visitor, [both, step(NOW - 5, [2])], SETTINGS, NOW, { funnels: FUNNELS });
    expect(result).toMatchObject({ status: 'applied', siteCounted: false });
    if (result.status === 'applied') expect(result.reached.map((reached) => `${reached.funnel}:${reached.step}`)).toEqual(['fA:1', 'fB:1']);
    expect(await counts()).toEqual({});
    const profile = await stores.profiles.readProfile(visitor);
    expect(profile!.fields[funnelField('fA')]).toBe(`1|${NOW}|1`);
    expect(profile!.fields[funnelField('fB')]).toBe(`1|${NOW}|1`);
  });

  it('erases the visitor\'s progress with the profile', async () => {
    await apply([step(NOW, [1])]);
    await stores.profiles.erase(visitor);
    expect(await stores.profiles.readProfile(visitor)).toBeNull();
  });
});
