/**
 * The trigger store's contract (`triggers/store/`): the queue of checks and deliveries, claims
 * with leases, firing (cool-down, rate limit, duplicates), settlement, dead letters and replay, and
 * erase; against Redis and memory.
 */
import { describeEachDriver, newVisitor } from './drivers';
import type { NewItem } from '../../../server/src/triggers/store/trigger-store';

const T0 = Date.now();
let idCounter = 0;
const newId = () => (++idCounter).toString(16).padStart(32, '0');
const delivery = (visitorId: string, dueAt = T0, id = newId()): NewItem => ({ id, kind: 'delivery', trigger: 'cart', visitorId, dueAt, facts: '{"firedAt":1}' });
const fire = (visitorId: string, extra: Partial<Parameters<import('../../../server/src/triggers/store/trigger-store').TriggerStore['fire']>[0]> = {}) => ({
  trigger: 'cart',
  visitorId,
  cooldownSec: 60,
  maxPerMinute: null,
  now: T0,
  ...extra,
});

describeEachDriver((stores) => {
  const arm = (item: NewItem, at: number) => stores.triggers.applyChecks([{ op: 'arm', item, at }], at);
  const disarm = (item: NewItem, at: number) => stores.triggers.applyChecks([{ op: 'disarm', id: item.id, trigger: item.trigger, visitorId: item.visitorId, at }], at);

  it('claims a due item once until its lease ends, then again', async () => {
    const visitor = newVisitor();
    const item = delivery(visitor);
    expect(await stores.triggers.fire(fire(visitor, { delivery: item }))).toBe('fired');
    const [first] = await stores.triggers.claimDue(T0, 10, 1_000);
    expect(first).toMatchObject({ id: item.id, kind: 'delivery', status: 'pending', attempts: 1, visitorId: visitor, facts: '{"firedAt":1}' });
    expect(await stores.triggers.claimDue(T0 + 999, 10, 1_000)).toEqual([]);
    const [again] = await stores.triggers.claimDue(T0 + 1_000, 10, 1_000);
    expect(again).toMatchObject({ id: item.id, attempts: 2 });
  });

  it('does not hand out what is not due yet, and claims the earliest first, at most `limit`', async () => {
    const visitor = newVisitor();
    const later = delivery(visitor, T0 + 5_000);
    await stores.triggers.fire(fire(visitor, { delivery: later }));
    expect(await stores.triggers.claimDue(T0 + 4_999, 10, 1_000)).toEqual([]);
    const a = newVisitor();
    const b = newVisitor();
    const itemB = delivery(b, T0 + 5_001);
    const itemA = delivery(a, T0 + 5_002);
    await stores.triggers.fire(fire(b, { delivery: itemB }));
    await stores.triggers.fire(fire(a, { delivery: itemA }));
    const claimed = await stores.triggers.claimDue(T0 + 6_000, 2, 60_000);
    expect(claimed.map((item) => item.id)).toEqual([later.id, itemB.id]);
  });

  it('keeps a visitor in cool-down, refuses a duplicate delivery id, and counts the rate per minute', async () => {
    const visitor = newVisitor();
    const item = delivery(visitor);
    expect(await stores.triggers.fire(fire(visitor, { delivery: item }))).toBe('fired');
    expect(await stores.triggers.fire(fire(visitor, { trigger: 'other', delivery: item }))).toBe('duplicate');
    expect(await stores.triggers.fire(fire(visitor, { delivery: delivery(visitor) }))).toBe('cooldown');
    // Cool-downs expire by the clock (Redis's own, in the Redis driver).
    const brief = newVisitor();
    expect(await stores.triggers.fire(fire(brief, { cooldownSec: 0.2, now: Date.now() }))).toBe('fired');
    expect(await stores.triggers.fire(fire(brief, { cooldownSec: 0.2, now: Date.now() }))).toBe('cooldown');
    await new Promise((resolve) => setTimeout(resolve, 300));
    expect(await stores.triggers.fire(fire(brief, { cooldownSec: 0.2, now: Date.now() }))).toBe('fired');

    const outcomes = [];
    for (let i = 0; i < 4; i++) outcomes.push(await stores.triggers.fire(fire(newVisitor(), { trigger: 'limited', maxPerMinute: 2, now: T0 })));
    expect(outcomes).toEqual(['fired', 'fired', 'rate-limited', 'rate-limited']);
    // A firing over the rate does not start a cool-down.
    const [limited] = [newVisitor()];
    expect(await stores.triggers.fire(fire(limited, { trigger: 'limited', maxPerMinute: 2, now: T0 }))).toBe('rate-limited');
    expect(await stores.triggers.fire(fire(limited, { trigger: 'limited', maxPerMinute: 2, now: T0 + 60_000 }))).toBe('fired');
  });

  it('re-arms a check (one per trigger and visitor), disarms it, and replaces a due check with its delivery in one step', async () => {
    const visitor = newVisitor();
    const check = { id: newId(), kind: 'check' as const, trigger: 'cart', visitorId: visitor, dueAt: T0 + 1_000, facts: '{"firedAt":1}' };
    await arm(check, T0);
    await arm({ ...check, dueAt: T0 + 2_000 }, T0 + 500);
    expect(await stores.triggers.claimDue(T0 + 1_500, 10, 1_000)).toEqual([]);
    const [claimed] = await stores.triggers.claimDue(T0 + 2_000, 10, 1_000);
    expect(claimed).toMatchObject({ id: check.id, kind: 'check', status: 'scheduled', attempts: 0, createdAt: T0, armedAt: T0 + 500 });
    const item = delivery(visitor, T0 + 2_000);
    expect(await stores.triggers.fire(fire(visitor, { delivery: item, replacesCheck: check.id, now: T0 + 2_000 }))).toBe('fired');
    expect(await stores.triggers.read(check.id)).toBeNull();
    expect((await stores.triggers.claimDue(T0 + 10_000, 10, 1_000)).map((claimedItem) => claimedItem.id)).toEqual([item.id]);

    const other = { ...check, id: newId(), visitorId: newVisitor() };
    await arm(other, T0);
    await disarm(other, T0 + 10);
    expect((await stores.triggers.claimDue(T0 + 100_000, 10, 1_000)).map((claimedItem) => claimedItem.id)).not.toContain(other.id);
    expect(await stores.triggers.read(other.id)).toMatchObject({ status: 'disarmed', disarmedAt: T0 + 10 });
  });

  it('gives the same result whatever order arms and disarms arrive in: the latest event wins', async () => {
    const check = (visitorId: string) => ({ id: newId(), kind: 'check' as const, trigger: 'cart', visitorId, dueAt: T0 + 1_000, facts: '{}' });
    // Start at 100, follow-up at 200: disarmed, even when the arm is applied last (a late flush).
    for (const order of ['arm first', 'disarm first', 'one call']) {
      const item = check(newVisitor());
      const ops = [
        { op: 'arm' as const, item, at: T0 + 100 },
        { op: 'disarm' as const, id: item.id, trigger: 'cart', visitorId: item.visitorId, at: T0 + 200 },
      ];
      if (order === 'one call') await stores.triggers.applyChecks([ops[1], ops[0]], T0);
      else for (const op of order === 'arm first' ? ops : [...ops].reverse()) await stores.triggers.applyChecks([op], T0);
      expect([order, (await stores.triggers.read(item.id))?.status]).toEqual([order, 'disarmed']);
      expect(await stores.triggers.claimDue(T0 + 100_000, 100, 1)).toEqual([]);
    }
    // A new start after the follow-up arms again; an older start does not move a later one; a
    // follow-up in the same second as the start cancels it.
    const again = check(newVisitor());
    await disarm(again, T0 + 200);
    await arm({ ...again, dueAt: T0 + 5_000 }, T0 + 300);
    await arm({ ...again, dueAt: T0 + 4_000 }, T0 + 250);
    expect(await stores.triggers.read(again.id)).toMatchObject({ status: 'scheduled', dueAt: T0 + 5_000, armedAt: T0 + 300 });
    await disarm(again, T0 + 300);
    expect(await stores.triggers.read(again.id)).toMatchObject({ status: 'disarmed' });
    // A disarm with nothing armed leaves a tombstone that a late arm of an earlier start cannot pass.
    const stranger = check(newVisitor());
    await disarm(stranger, T0 + 500);
    await arm(stranger, T0 + 400);
    expect(await stores.triggers.read(stranger.id)).toMatchObject({ status: 'disarmed' });
    expect(await stores.triggers.claimDue(T0 + 100_000, 100, 1)).toEqual([]);
  });

  it('removes a check even when its firing is refused (cool-down)', async () => {
    const visitor = newVisitor();
    await stores.triggers.fire(fire(visitor));
    const check = { id: newId(), kind: 'check' as const, trigger: 'cart', visitorId: visitor, dueAt: T0, facts: '{}' };
    await arm(check, T0);
    expect(await stores.triggers.fire(fire(visitor, { delivery: delivery(visitor), replacesCheck: check.id }))).toBe('cooldown');
    expect(await stores.triggers.read(check.id)).toBeNull();
  });

  it('settles: retry later, delivered, dead letter, replay; lists newest first', async () => {
    const visitor = newVisitor();
    const ok = delivery(visitor);
    const bad = delivery(visitor, T0, newId());
    await stores.triggers.fire(fire(visitor, { delivery: ok }));
    await stores.triggers.fire(fire(visitor, { trigger: 'other', delivery: bad, now: T0 + 1 }));
    await stores.triggers.claimDue(T0 + 1, 10, 1_000);
    await stores.triggers.saveBody(ok.id, '{"a":1}');
    await stores.triggers.settle(ok.id, { status: 'pending', retryAt: T0 + 100, httpStatus: 500, error: 'the receiver answered 500' }, T0 + 2);
    expect(await stores.triggers.read(ok.id)).toMatchObject({ status: 'pending', dueAt: T0 + 100, lastStatus: 500, lastError: 'the receiver answered 500', body: '{"a":1}' });
    const [retried] = await stores.triggers.claimDue(T0 + 100, 10, 1_000);
    expect(retried).toMatchObject({ id: ok.id, attempts: 2, body: '{"a":1}' });
    await stores.triggers.settle(ok.id, { status: 'delivered', httpStatus: 204 }, T0 + 101);
    expect(await stores.triggers.read(ok.id)).toMatchObject({ status: 'delivered', lastStatus: 204, deliveredAt: T0 + 101 });

    await stores.triggers.settle(bad.id, { status: 'dead', error: 'connection refused' }, T0 + 3);
    expect(await stores.triggers.claimDue(T0 + 100_000, 10, 1_000)).toEqual([]);
    const dead = await stores.triggers.list('dead', 10);
    expect(dead.map((item) => item.id)).toContain(bad.id);
    expect(await stores.triggers.counts()).toMatchObject({ dead: dead.length });
    expect(await stores.triggers.replay(ok.id, T0 + 4)).toBe(false);
    expect(await stores.triggers.replay(bad.id, T0 + 4)).toBe(true);
    expect(await stores.triggers.replay(bad.id, T0 + 4)).toBe(false);
    expect(await stores.triggers.read(bad.id)).toMatchObject({ status: 'pending', attempts: 0, dueAt: T0 + 4 });
    expect((await stores.triggers.list('dead', 10)).map((item) => item.id)).not.toContain(bad.id);
    const recent = (await stores.triggers.list('recent', 100)).map((item) => item.id);
    expect(recent.indexOf(bad.id)).toBeLessThan(recent.indexOf(ok.id));
  });

  it('drops a check and erases everything a visitor has, sparing others', async () => {
    const visitor = newVisitor();
    const other = newVisitor();
    const check = { id: newId(), kind: 'check' as const, trigger: 'signup', visitorId: visitor, dueAt: T0 + 10_000, facts: '{}' };
    await arm(check, T0);
    const dropped = { ...check, id: newId(), trigger: 'gone' };
    await arm(dropped, T0);
    await stores.triggers.settle(dropped.id, { status: 'dropped', error: 'the trigger is gone' }, T0);
    expect(await stores.triggers.read(dropped.id)).toBeNull();
    const mine = delivery(visitor);
    const theirs = delivery(other);
    await stores.triggers.fire(fire(visitor, { delivery: mine }));
    await stores.triggers.fire(fire(other, { delivery: theirs }));
    expect(await stores.triggers.eraseVisitors([visitor], ['cart', 'signup'])).toBe(true);
    expect(await stores.triggers.read(check.id)).toBeNull();
    expect(await stores.triggers.read(mine.id)).toBeNull();
    expect((await stores.triggers.list('recent', 100)).map((item) => item.id)).not.toContain(mine.id);
    // The cool-down went too: the visitor can be acted on again.
    expect(await stores.triggers.fire(fire(visitor))).toBe('fired');
    expect(await stores.triggers.read(theirs.id)).not.toBeNull();
    expect(await stores.triggers.eraseVisitors([newVisitor()], ['cart'])).toBe(false);
    // A delivery being built when its visitor was erased: its body does not bring it back.
    await stores.triggers.saveBody(mine.id, '{"visitor":"erased"}');
    await stores.triggers.settle(mine.id, { status: 'pending', retryAt: T0 + 10, error: 'late' }, T0);
    expect(await stores.triggers.read(mine.id)).toBeNull();
  });
});
