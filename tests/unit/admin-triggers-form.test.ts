import type { Trigger } from '../../admin/src/api/types';
import { fieldErrors } from '../../admin/src/api/types';
import {
  emptyTriggerDraft,
  errorAt,
  formatScalar,
  fromTrigger,
  parseScalar,
  STRATEGIES,
  toTriggerBody,
  type TriggerDraft,
} from '../../admin/src/pages/Triggers/trigger-form';
import { STRATEGY_IDS } from '../../server/src/recommendations/strategies';
import { triggerCreateSchema, triggerUpdateSchema } from '../../server/src/triggers/trigger-input';

const META = {
  destinations: [{ name: 'mailer', url: 'http://127.0.0.1:9/hooks' }],
  dwellHeartbeatsSec: [30, 60, 180],
  contentTypes: ['api::article.article', 'api::movie.movie'],
};

const draft = (patch: Partial<TriggerDraft>): TriggerDraft => ({ ...emptyTriggerDraft(META), name: 'Cart abandoned', slug: 'cart-abandoned', ...patch });

/** The stored trigger a body would become (what `GET /triggers` lists). */
const stored = (body: ReturnType<typeof toTriggerBody>): Trigger =>
  ({ documentId: 'doc1', description: null, createdAt: '', updatedAt: '', ...triggerCreateSchema.parse(body) }) as unknown as Trigger;

describe('trigger form (pure)', () => {
  it('reads values as editors type them, and writes them back the same way', () => {
    expect(parseScalar(' shoes ')).toBe('shoes');
    expect(parseScalar('12')).toBe(12);
    expect(parseScalar('-1.5')).toBe(-1.5);
    expect(parseScalar('true')).toBe(true);
    expect(parseScalar('"12"')).toBe('12');
    for (const value of ['shoes', '12', 'true', 12, false, ' spaced ', '"quoted"', '']) expect(parseScalar(formatScalar(value))).toEqual(typeof value === 'string' ? value : value);
    expect(formatScalar('12')).toBe('"12"');
    expect(formatScalar('shoes')).toBe('shoes');
  });

  it('starts a new trigger from the config: the first destination, the longest heartbeat, a day of cool-down', () => {
    const empty = emptyTriggerDraft(META);
    expect(empty).toMatchObject({ enabled: true, cooldown: '1d', conditionType: 'event', destination: 'mailer', seconds: 180, outboundOn: false });
    expect(empty.includeRecommendations.contentType).toBe('api::article.article');
    expect(emptyTriggerDraft()).toMatchObject({ destination: '', seconds: undefined });
  });

  it('builds an event trigger with filters and an outbound action the server accepts', () => {
    const body = toTriggerBody(
      draft({
        event: {
          event: ' Product Added ',
          where: [
            { property: 'category', op: 'eq', value: 'shoes' },
            { property: 'price', op: 'gt', value: '10' },
            { property: 'plan', op: 'in', value: 'pro, "team, large", 3' },
            { property: 'coupon', op: 'exists', value: 'ignored' },
          ],
        },
        outboundOn: true,
        maxPerMinute: 100,
      }),
      null,
      true
    );
    expect(body).toEqual({
      name: 'Cart abandoned',
      slug: 'cart-abandoned',
      enabled: true,
      cooldown: '1d',
      maxPerMinute: 100,
      condition: {
        type: 'event',
        event: 'Product Added',
        where: [
          { property: 'category', op: 'eq', value: 'shoes' },
          { property: 'price', op: 'gt', value: 10 },
          { property: 'plan', op: 'in', value: ['pro', 'team, large', 3] },
          { property: 'coupon', op: 'exists' },
        ],
      },
      audience: null,
      actions: { outbound: { destination: 'mailer' } },
    });
    expect(triggerCreateSchema.safeParse(body).success).toBe(true);
  });

  it('sends only the chosen condition type, and no slug on update', () => {
    const base = draft({ event: { event: 'Product Added', where: [] }, unless: { event: 'Order Completed', where: [] }, within: '2h', segment: 'vip', outboundOn: true });
    expect(toTriggerBody({ ...base, conditionType: 'absence' }, null, true).condition).toEqual({ type: 'absence', event: 'Product Added', unless: { event: 'Order Completed' }, within: '2h' });
    expect(toTriggerBody({ ...base, conditionType: 'segment', change: 'leave' }, null, true).condition).toEqual({ type: 'segment', segment: 'vip', change: 'leave' });
    expect(toTriggerBody({ ...base, conditionType: 'dwell', dwellContentType: 'api::article.article' }, null, true).condition).toEqual({ type: 'dwell', seconds: 180, contentType: 'api::article.article' });
    const update = toTriggerBody({ ...base, conditionType: 'dwell' }, null, false);
    expect(update).not.toHaveProperty('slug');
    expect(triggerUpdateSchema.safeParse(update).success).toBe(true);
  });

  it('builds every action option and an audience the server accepts, and reads them back', () => {
    const audience = { all: [{ fact: 'pageviews', op: 'gte', value: 3 }] };
    const full = draft({
      conditionType: 'dwell',
      seconds: 60,
      audienceOn: true,
      onSiteOn: true,
      onSiteData: [
        { key: 'title', value: 'More like this' },
        { key: 'count', value: '3' },
        { key: '  ', value: 'dropped: no key' },
      ],
      onSiteRecommend: { on: true, contentType: 'api::movie.movie', limit: 2, strategy: 'topic-v1' },
      outboundOn: true,
      includeRecommendations: { on: true, contentType: 'api::movie.movie', limit: 4, strategy: '' },
      includeVariant: { on: true, contentType: 'api::article.article', documentId: ' abc ', locale: 'fr' },
      visitorHour: { on: true, withinHours: 24 },
    });
    const body = toTriggerBody(full, audience, true);
    expect(body.audience).toEqual(audience);
    expect(body.actions).toEqual({
      onSite: { data: { title: 'More like this', count: 3 }, recommend: { contentType: 'api::movie.movie', limit: 2, strategy: 'topic-v1' } },
      outbound: {
        destination: 'mailer',
        include: { recommendations: { contentType: 'api::movie.movie', limit: 4 }, variant: { contentType: 'api::article.article', documentId: 'abc', locale: 'fr' } },
        visitorHour: { withinHours: 24 },
      },
    });
    expect(triggerCreateSchema.safeParse(body).success).toBe(true);

    // Read back: the same body again (the empty data key aside).
    const again = fromTrigger(stored(body), META);
    expect(again.onSiteData).toEqual([
      { key: 'title', value: 'More like this' },
      { key: 'count', value: '3' },
    ]);
    expect(again.audienceOn).toBe(true);
    expect(toTriggerBody(again, audience, true)).toEqual(body);
    // An audience switched off is sent as null, whatever the rule builder holds.
    expect(toTriggerBody({ ...full, audienceOn: false }, audience, false).audience).toBeNull();
  });

  it('reads a stored absence trigger with filters back into the form unchanged', () => {
    const body = toTriggerBody(
      draft({
        conditionType: 'absence',
        event: { event: 'Product Added', where: [{ property: 'sku', op: 'eq', value: '"00123"' }] },
        unless: { event: 'Order Completed', where: [{ property: 'total', op: 'nin', value: '0, "free", "a, b"' }] },
        within: '60m',
        outboundOn: true,
        cooldown: '12h',
        enabled: false,
      }),
      null,
      true
    );
    const form = fromTrigger(stored(body), META);
    expect(form).toMatchObject({ conditionType: 'absence', within: '60m', cooldown: '12h', enabled: false, maxPerMinute: undefined, audienceOn: false, outboundOn: true, onSiteOn: false });
    expect(form.event.where).toEqual([{ property: 'sku', op: 'eq', value: '"00123"' }]);
    expect(form.unless.where).toEqual([{ property: 'total', op: 'nin', value: '0, free, "a, b"' }]);
    expect(toTriggerBody(form, null, true)).toEqual(body);
  });

  it('offers the recommendation strategies the server knows', () => {
    expect([...STRATEGIES].sort()).toEqual([...STRATEGY_IDS].sort());
  });

  it("places the server's 400 errors by path", () => {
    const error = {
      response: {
        data: {
          error: {
            message: 'condition.where[0].value: expected a number',
            details: {
              errors: [
                { path: ['condition', 'where', 0, 'value'], message: 'expected a number' },
                { path: ['condition', 'where', 0, 'value'], message: 'a second message for the same field' },
                { path: ['actions', 'outbound', 'destination'], message: 'no destination "x"' },
                { path: [], message: 'at the root' },
              ],
            },
          },
        },
      },
    };
    const errors = fieldErrors(error);
    expect(errors).toEqual({ 'condition.where.0.value': 'expected a number', 'actions.outbound.destination': 'no destination "x"', '': 'at the root' });
    expect(errorAt(errors, 'actions.outbound.destination')).toBe('no destination "x"');
    expect(errorAt(errors, 'condition.where.0')).toBeUndefined();
    expect(errorAt(errors, 'condition.where.0', true)).toBe('expected a number');
    expect(fieldErrors(new Error('network down'))).toEqual({});
  });
});
