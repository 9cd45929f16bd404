/**
 * The quick parse of an event batch (`present-fields.ts`) must never disagree with the zod schema:
 * same verdict, same output, on valid batches of every kind and on thousands of broken ones.
 */
import { z } from 'zod';
import { eventBatchSchema, parseEventBatch } from '../../server/src/ingest/event-schema';
import { presentFieldsList, presentFieldsParser, UNSURE } from '../../server/src/ingest/present-fields';
import { batchBodies } from '../bench/lib/ingest-batch';
import { BROWSER_UA, isoAgo, pageEvent, trackEvent } from '../helpers/events';

const HASH = 'a'.repeat(64);

const validBatches = (): Record<string, unknown>[] => [
  JSON.parse(batchBodies({ anonymousId: true })()),
  JSON.parse(batchBodies({ visitorTokens: ['token-1'] })()),
  { events: [pageEvent(), trackEvent('Signup', { category: 'cta', action: 'click', label: 'hero', value: 3 })] },
  {
    anonymousId: 'visitor-1',
    userId: 'user-1',
    userHash: HASH,
    visitorKey: 'k'.repeat(128),
    events: [
      pageEvent({ name: 'Pricing', timestamp: isoAgo(60), context: { page: { url: 'https://a.example/x', title: 'T', search: '?q=1', hash: '#h' }, campaign: { name: 'c', source: 's', medium: 'm', term: 't', content: 'x', id: '1' }, userAgent: BROWSER_UA, locale: 'en-GB' } }),
      { type: 'identify', traits: { plan: 'pro', nested: { a: [1, 2, { b: null }] } }, originalTimestamp: isoAgo(30) },
      { type: 'alias', previousId: 'old-id', userId: 'user-1' },
      { type: 'group', groupId: 'acme', traits: { size: 10 } },
      { type: 'screen', name: 'Home', properties: {} },
      trackEvent('Scroll Depth', { properties: { depth: 50, previous: 25 }, messageId: 'm'.repeat(200) }),
    ],
  },
  { batch: [trackEvent('Order Completed', { anonymousId: 'a', properties: { total: 12.5, items: ['x', 'y'] } })] },
];

/** A seeded generator, so that a failure can be replayed. */
const random = (seed: number) => () => {
  seed = (seed * 1_103_515_245 + 12_345) % 2 ** 31;
  return seed / 2 ** 31;
};

const NASTY: unknown[] = [
  '', 'x'.repeat(35), 'x'.repeat(36), 'x'.repeat(128), 'x'.repeat(129), 'x'.repeat(200), 'x'.repeat(201), 'x'.repeat(1024), 'x'.repeat(1025),
  'G'.repeat(64), HASH, 'page', 'track', 'alias', 'group', 'nope', 0, -1, 1.5, null, true, [], [1], {}, { a: 1 }, { constructor: 1 },
  '2026-12-02T10:00:00Z', '2026-12-02T10:00:00', 'yesterday', { a: { b: { c: { d: { e: {} } } } } }, Object.fromEntries(Array.from({ length: 51 }, (_, i) => [`k${i}`, i])),
];
const KEYS = ['type', 'event', 'name', 'category', 'action', 'label', 'value', 'properties', 'traits', 'context', 'page', 'campaign', 'url', 'userAgent', 'locale', 'timestamp', 'originalTimestamp', 'messageId', 'anonymousId', 'userId', 'userHash', 'previousId', 'groupId', 'events', 'batch', 'visitorToken', 'visitorKey', 'unknown', 'sentAt'];

/** One random change somewhere in the value: a field set to something odd, removed, or added. */
const mutate = (value: unknown, next: () => number): unknown => {
  const pick = <T>(list: readonly T[]): T => list[Math.floor(next() * list.length)];
  const clone = structuredClone(value) as Record<string, unknown>;
  const containers: Record<string, unknown>[] = [];
  const collect = (node: unknown) => {
    if (typeof node !== 'object' || node === null) return;
    containers.push(node as Record<string, unknown>);
    for (const child of Object.values(node)) collect(child);
  };
  collect(clone);
  const target = pick(containers);
  const action = next();
  if (Array.isArray(target)) {
    if (action < 0.3) target.length = 0;
    else if (action < 0.6) target.push(pick(NASTY));
    else target[Math.floor(next() * target.length)] = pick(NASTY);
  } else {
    const existing = Object.keys(target);
    if (action < 0.4 && existing.length > 0) target[pick(existing)] = pick(NASTY);
    else if (action < 0.6 && existing.length > 0) delete target[pick(existing)];
    else target[pick(KEYS)] = pick(NASTY);
  }
  return clone;
};

describe('parseEventBatch', () => {
  it('takes valid batches without running the zod schema, with the output zod would give, checked in place', () => {
    for (const batch of validBatches()) {
      const spy = jest.spyOn(eventBatchSchema, 'safeParse');
      const input = structuredClone(batch);
      const quick = parseEventBatch(input);
      expect([batch, spy.mock.calls.length]).toEqual([batch, 0]);
      spy.mockRestore();
      expect(quick).toEqual({ success: true, data: eventBatchSchema.parse(structuredClone(batch)) });
      // Nothing to change in a valid batch: its events are not copied.
      expect(quick.data).toBe(input);
      expect(input).toEqual(batch);
    }
  });

  it('agrees with the zod schema on 5,000 broken batches: same verdict, same output, zod errors', () => {
    const next = random(42);
    const batches = validBatches();
    let refused = 0;
    for (let run = 0; run < 5_000; run++) {
      let input: unknown = batches[run % batches.length];
      for (let changes = 1 + Math.floor(next() * 3); changes > 0; changes--) input = mutate(input, next);
      const expected = eventBatchSchema.safeParse(structuredClone(input));
      const actual = parseEventBatch(structuredClone(input));
      if (!expected.success) refused++;
      expect([input, actual.success]).toEqual([input, expected.success]);
      if (expected.success) expect(actual.data).toEqual(expected.data);
      else expect(actual.error!.issues).toEqual(expected.error.issues);
    }
    // The mutations do break most batches: the comparison above saw both verdicts.
    expect(refused).toBeGreaterThan(2_000);
    expect(refused).toBeLessThan(5_000);
  });
});

describe('presentFieldsParser', () => {
  const schema = z.strictObject({
    plain: z.string().min(2).max(4).optional(),
    pattern: z.string().regex(/^a+$/).optional(),
    refined: z.string().refine((text) => text !== 'no').optional(),
    trimmed: z.string().trim().optional(),
    choice: z.enum(['x', 'y']).optional(),
    count: z.number().int().optional(),
  });
  const parse = presentFieldsParser(schema);

  it.each([
    [{ plain: 'ab', pattern: 'aaa', choice: 'y', count: 2 }, true],
    [{ plain: 'a' }, false],
    [{ plain: 'abcde' }, false],
    [{ pattern: 'ab' }, false],
    [{ refined: 'no' }, false],
    [{ refined: 'yes' }, true],
    [{ trimmed: ' t ' }, true],
    [{ choice: 'z' }, false],
    [{ count: 1.5 }, false],
    [{ other: 1 }, false],
    [Object.assign(Object.create({ inherited: 1 }), { plain: 'ab' }), false],
  ])('%j: vouches only for what zod accepts, as zod outputs it', (value, vouches) => {
    const quick = parse(value);
    expect(quick !== UNSURE).toBe(vouches);
    if (quick !== UNSURE) expect(quick).toEqual(schema.parse(value));
  });

  it('runs the given refinement of the whole object, and lists only when every item passes', () => {
    const refusesX = presentFieldsParser(schema, { hasIssues: (value) => value.choice === 'x' });
    expect(refusesX({ choice: 'x' })).toBe(UNSURE);
    const list = presentFieldsList(parse);
    expect(list([])).toBe(UNSURE);
    expect(list([{ plain: 'ab' }, { plain: 'a' }])).toBe(UNSURE);
    expect(list([{ plain: 'ab' }])).toEqual([{ plain: 'ab' }]);
  });
});
