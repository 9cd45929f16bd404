/**
 * The pure parts of triggers: durations, property filters, batch matching (events, absences,
 * dwell, segment changes), the visitor's active hour, backoff, payloads and the delivery signature
 * (a known-answer vector, so the scheme cannot drift from what receivers verify).
 */
import { activityHistogram, hourOfWeek, nextActiveTime } from '../../server/src/triggers/active-hour';
import { CheckWrites } from '../../server/src/triggers/check-writes';
import type { CheckOp } from '../../server/src/triggers/store/trigger-store';
import { compileTrigger, type TriggerRecord } from '../../server/src/triggers/compiled-trigger';
import { deliveryPayload, itemId, payloadEvents } from '../../server/src/triggers/delivery-payload';
import { signDelivery } from '../../server/src/triggers/delivery-signature';
import { durationSec } from '../../server/src/shared/duration';
import { matchBatch } from '../../server/src/triggers/match-batch';
import { compileFilters } from '../../server/src/triggers/property-filter';
import { retryDelaySec } from '../../server/src/triggers/retry-delay';
import { triggerCreateSchema } from '../../server/src/triggers/trigger-input';
import { personalKeyMatcher } from '../../server/src/profiles/personal-data';

const record = (condition: TriggerRecord['condition'], extra: Partial<TriggerRecord> = {}): TriggerRecord => ({
  slug: 't',
  name: 'T',
  enabled: true,
  condition,
  actions: { outbound: { destination: 'mailer' } },
  cooldown: '1h',
  ...extra,
});
const track = (event: string, ts: number, properties: Record<string, unknown> = {}) => ({ type: 'track', event, ts, properties, messageId: `${event}-${ts}` });

describe('durations', () => {
  it.each([
    ['90s', 90],
    ['60m', 3_600],
    ['2h', 7_200],
    ['1d', 86_400],
    ['0m', null],
    ['5 minutes', null],
    ['1w', null],
    ['-1h', null],
  ])('%s -> %s', (text, seconds) => expect(durationSec(text)).toBe(seconds));
});

describe('property filters', () => {
  const props = { category: 'shoes', price: 80, tags: ['sale', 'new'], product: { brand: 'Acme' }, empty: null };
  it.each([
    [{ property: 'category', op: 'eq', value: 'shoes' }, true],
    [{ property: 'category', op: 'neq', value: 'shoes' }, false],
    [{ property: 'price', op: 'gte', value: 80 }, true],
    [{ property: 'price', op: 'gt', value: 80 }, false],
    [{ property: 'category', op: 'gt', value: 1 }, false],
    [{ property: 'price', op: 'in', value: [10, 80] }, true],
    [{ property: 'price', op: 'nin', value: [10, 80] }, false],
    [{ property: 'tags', op: 'contains', value: 'sale' }, true],
    [{ property: 'category', op: 'contains', value: 'ho' }, true],
    [{ property: 'category', op: 'startsWith', value: 'sh' }, true],
    [{ property: 'product.brand', op: 'eq', value: 'Acme' }, true],
    [{ property: 'product.missing', op: 'exists' }, false],
    [{ property: 'empty', op: 'notExists' }, true],
    [{ property: '__proto__', op: 'exists' }, false],
    [{ property: 'category.length', op: 'exists' }, false],
  ] as const)('%j -> %s', (filter, expected) => expect(compileFilters([filter as never])(props)).toBe(expected));

  it('holds when every filter holds, and with none', () => {
    expect(compileFilters()({})).toBe(true);
    expect(compileFilters([{ property: 'a', op: 'eq', value: 1 }, { property: 'b', op: 'eq', value: 2 }])({ a: 1, b: 3 })).toBe(false);
  });
});

describe('matching a batch', () => {
  const cart = compileTrigger(record({ type: 'absence', event: 'Product Added', unless: { event: 'Order Completed' }, within: '60m' }));
  const shoes = compileTrigger(record({ type: 'event', event: 'Product Added', where: [{ property: 'category', op: 'eq', value: 'shoes' }] }, { slug: 'shoes' }));
  const longRead = compileTrigger(record({ type: 'dwell', seconds: 180, contentType: 'api::article.article' }, { slug: 'long-read' }));
  const vip = compileTrigger(record({ type: 'segment', segment: 'vip', change: 'enter' }, { slug: 'vip' }));
  const lapsed = compileTrigger(record({ type: 'segment', segment: 'vip', change: 'leave' }, { slug: 'lapsed' }));
  const all = [cart, shoes, longRead, vip, lapsed];
  const match = (events: ReturnType<typeof track>[], entered: string[] = [], left: string[] = []) => matchBatch(all, { events, entered, left });

  it('arms an absence from its latest start, and disarms it on the follow-up (also later in the same batch)', () => {
    const armed = match([track('Product Added', 100), track('Product Added', 200)]);
    expect(armed.armed.map(({ trigger, dueAt }) => [trigger.slug, dueAt])).toEqual([['t', 200 + 3_600]]);
    expect(match([track('Product Added', 100), track('Order Completed', 150)]).disarmed.map(({ trigger, event }) => [trigger.slug, event.ts])).toEqual([['t', 150]]);
    expect(match([track('Order Completed', 100), track('Product Added', 150)]).armed).toHaveLength(1);
    expect(match([track('Page Viewed', 100)])).toEqual({ fired: [], armed: [], disarmed: [] });
  });

  it('fires an event trigger with the matching events only', () => {
    const { fired } = match([track('Product Added', 1, { category: 'shoes' }), track('Product Added', 2, { category: 'hats' })]);
    expect(fired.map(({ trigger, events }) => [trigger.slug, events.map((event) => event.ts)])).toEqual([['shoes', [1]]]);
  });

  it('fires a dwell trigger at the threshold of visible time on a page of the content type', () => {
    const heartbeat = (total: number, contentType = 'api::article.article') => track('Dwell Time', 5, { seconds: 30, total, contentType });
    expect(match([heartbeat(60)]).fired).toEqual([]);
    expect(match([heartbeat(180)]).fired.map(({ trigger }) => trigger.slug)).toEqual(['long-read']);
    expect(match([heartbeat(400, 'api::movie.movie')]).fired).toEqual([]);
  });

  it('fires segment triggers on entering and on leaving', () => {
    expect(match([], ['vip']).fired.map(({ trigger, segment }) => [trigger.slug, segment])).toEqual([['vip', 'vip']]);
    expect(match([], [], ['vip']).fired.map(({ trigger }) => trigger.slug)).toEqual(['lapsed']);
  });

  it('reads only track events for event conditions', () => {
    expect(match([{ ...track('Product Added', 1, { category: 'shoes' }), type: 'page' }]).fired).toEqual([]);
  });
});

describe('the visitor\'s hour', () => {
  // 2026-11-30 was a Monday.
  const monday = Date.UTC(2026, 10, 30) / 1000;

  it('numbers the hours of the week from Monday 00:00 UTC', () => {
    expect(hourOfWeek(monday)).toBe(0);
    expect(hourOfWeek(monday + 3_599)).toBe(0);
    expect(hourOfWeek(monday + 9 * 3_600)).toBe(9);
    expect(hourOfWeek(monday + 6 * 86_400 + 23 * 3_600)).toBe(167);
    expect(hourOfWeek(monday + 7 * 86_400)).toBe(0);
    expect(hourOfWeek(0)).toBe(72); // Thursday 1970-01-01 00:00
  });

  it('reads the histogram out of the windows hash, ignoring other buckets', () => {
    expect(activityHistogram({ w9: 4, w167: 1, '20000:pv': 3, 'h480000:pv': 1, w168: 5, wx: 1 })).toEqual({ 9: 4, 167: 1 });
  });

  it('sends at the busiest hour within the bound, now when nothing is known or now is best', () => {
    const histogram = { 9: 5, 20: 2 };
    const sunday22 = monday - 2 * 3_600 + 1_800; // Sunday 22:30
    expect(nextActiveTime(histogram, sunday22, 24 * 3_600)).toBe(monday + 9 * 3_600);
    expect(nextActiveTime(histogram, sunday22, 6 * 3_600)).toBe(sunday22); // 09:00 is out of reach: now
    expect(nextActiveTime({}, sunday22, 24 * 3_600)).toBe(sunday22);
    expect(nextActiveTime(histogram, monday + 9 * 3_600 + 60, 24 * 3_600)).toBe(monday + 9 * 3_600 + 60);
  });
});

describe('backoff', () => {
  it('doubles up to the cap, with jitter in the upper half', () => {
    expect([1, 2, 3, 4].map((attempt) => retryDelaySec(attempt, 30, 100, 1))).toEqual([30, 60, 100, 100]);
    expect(retryDelaySec(2, 30, 100, 0)).toBe(30);
  });
});

describe('delivery payloads', () => {
  it('signs as Stripe does: t=<unix>,v1=<hex HMAC-SHA256 of "<t>.<body>"> (known answer)', () => {
    expect(signDelivery('whsec_test_secret_0123456789', '{"version":1,"id":"abc"}', 1767225600)).toBe(
      't=1767225600,v1=ac8a08b8bc93b85c6ddc6629f9f4e26f740223d2edd0028c9c12916fcfe59467'
    );
  });

  it('derives stable ids from what they are about', () => {
    expect(itemId('delivery', 'cart', 'v1', 'm1')).toBe(itemId('delivery', 'cart', 'v1', 'm1'));
    expect(itemId('delivery', 'cart', 'v1', 'm1')).not.toBe(itemId('delivery', 'cart', 'v1', 'm2'));
    expect(itemId('a', 'bc')).not.toBe(itemId('ab', 'c'));
    expect(itemId('x')).toMatch(/^[0-9a-f]{32}$/);
  });

  it('carries events without personal data, and the documented shape', () => {
    const events = payloadEvents([track('Signup Started', 1_767_225_600, { plan: 'pro', email: 'a@b.co', note: 'mail me at a@b.co', nested: { phone: '123' } })], personalKeyMatcher([]));
    expect(events).toEqual([{ type: 'track', event: 'Signup Started', timestamp: '2026-01-01T00:00:00.000Z', properties: { plan: 'pro', nested: {} } }]);
    expect(
      deliveryPayload({ id: 'd1', trigger: { slug: 's', name: 'S' }, visitor: { id: 'v', userHash: null, segments: ['vip'] }, facts: { firedAt: 1_767_225_600, events } })
    ).toEqual({ version: 1, id: 'd1', trigger: 's', triggerName: 'S', firedAt: '2026-01-01T00:00:00.000Z', visitor: { id: 'v', userHash: null, segments: ['vip'] }, segment: 'vip', events });
  });
});

describe('trigger input', () => {
  const valid = { name: 'Cart', slug: 'cart', condition: { type: 'event', event: 'A' }, actions: { outbound: { destination: 'mailer' } } };
  it('defaults and refusals', () => {
    expect(triggerCreateSchema.parse(valid)).toMatchObject({ enabled: true, cooldown: '1d' });
    const problems = (input: object) => (triggerCreateSchema.safeParse(input).error?.issues ?? []).map((issue) => `${issue.path.join('.')}: ${issue.message}`);
    expect(problems({ ...valid, condition: { type: 'sometimes' } })[0]).toMatch(/^condition.type: /);
    expect(problems({ ...valid, condition: { type: 'event', event: 'A', where: [{ property: 'a', op: 'exists', value: 1 }] } })).toEqual(['condition.where.0.value: operator "exists" takes no value']);
    expect(problems({ ...valid, condition: { type: 'event', event: 'A', where: [{ property: 'a', op: 'in', value: 'x' }] } })).toEqual(['condition.where.0.value: expected a non-empty list']);
    expect(problems({ ...valid, cooldown: '2y' })[0]).toMatch(/^cooldown: expected a duration/);
    expect(problems({ ...valid, actions: { onSite: { data: { 'bad key': 1 } } } })[0]).toMatch(/^actions.onSite.data.bad key: /);
    expect(problems({ ...valid, surprise: 1 })[0]).toMatch(/surprise/);
  });
});

describe('absence checks waiting for a flush', () => {
  const item = (visitorId: string, dueAt = 1) => ({ id: `check-${visitorId}`, kind: 'check' as const, trigger: 'cart', visitorId, dueAt, facts: '{}' });
  const store = () => {
    const calls: CheckOp[][] = [];
    let failing = false;
    return {
      calls,
      fail: (value: boolean) => (failing = value),
      applyChecks: async (ops: readonly CheckOp[]) => {
        if (failing) throw new Error('store down');
        calls.push([...ops]);
      },
    };
  };

  it('keeps one op per check, the latest event (a disarm on a tie), and writes them in one call', async () => {
    const checks = store();
    const writes = new CheckWrites(checks, { flushMs: 60_000 });
    writes.add({ op: 'arm', item: item('a', 1), at: 100 });
    writes.add({ op: 'arm', item: item('a', 2), at: 200 });
    writes.add({ op: 'arm', item: item('a', 9), at: 150 });
    writes.add({ op: 'arm', item: item('b'), at: 100 });
    writes.add({ op: 'disarm', id: 'check-b', trigger: 'cart', visitorId: 'b', at: 100 });
    expect(writes.size).toBe(2);
    await writes.flush();
    expect(checks.calls).toEqual([[{ op: 'arm', item: item('a', 2), at: 200 }, { op: 'disarm', id: 'check-b', trigger: 'cart', visitorId: 'b', at: 100 }]]);
  });

  it('puts a failed flush back under newer ops, forgets erased visitors, and flushes when full', async () => {
    const checks = store();
    const writes = new CheckWrites(checks, { flushMs: 60_000, flushSize: 3 });
    checks.fail(true);
    writes.add({ op: 'arm', item: item('a', 1), at: 100 });
    await writes.flush();
    writes.add({ op: 'arm', item: item('a', 2), at: 200 });
    writes.add({ op: 'arm', item: item('c'), at: 100 });
    writes.forget(['c']);
    checks.fail(false);
    await writes.flush();
    expect(checks.calls).toEqual([[{ op: 'arm', item: item('a', 2), at: 200 }]]);
    for (const visitor of ['x', 'y', 'z']) writes.add({ op: 'arm', item: item(visitor), at: 1 });
    await writes.flush();
    expect(checks.calls).toHaveLength(2);
    await writes.close();
  });
});
