import type { TriggerActions, TriggerCondition } from '../../admin/src/api/types';
import { describeActions, describeCondition, describeFilter, describeLimits, hasOutbound } from '../../admin/src/pages/Triggers/describe-trigger';
import type { Translate } from '../../admin/src/utils/use-translate';

/** The English text with its values filled in, as react-intl shows it without translations. */
const t: Translate = (_id, text, values) => text.replace(/\{(\w+)\}/g, (_, name: string) => String(values?.[name] ?? `{${name}}`));

describe('triggers in words (pure)', () => {
  it('describes property filters with the rule builder words', () => {
    expect(describeFilter({ property: 'category', op: 'eq', value: 'shoes' }, t)).toBe('category is "shoes"');
    expect(describeFilter({ property: 'price', op: 'gt', value: 10 }, t)).toBe('price is more than 10');
    expect(describeFilter({ property: 'plan', op: 'in', value: ['pro', 'team', 3] }, t)).toBe('plan is one of "pro", "team", 3');
    expect(describeFilter({ property: 'coupon', op: 'exists' }, t)).toBe('coupon is known');
    expect(describeFilter({ property: 'x', op: 'someday', value: true }, t)).toBe('x someday true');
  });

  it('describes each condition type', () => {
    const conditions: [TriggerCondition, string][] = [
      [{ type: 'event', event: 'Product Added' }, 'Product Added'],
      [
        { type: 'event', event: 'Product Added', where: [{ property: 'category', op: 'eq', value: 'shoes' }, { property: 'price', op: 'gte', value: 50 }] },
        'Product Added where category is "shoes" and price is at least 50',
      ],
      [{ type: 'segment', segment: 'vip', change: 'enter' }, 'Enters segment vip'],
      [{ type: 'segment', segment: 'vip', change: 'leave' }, 'Leaves segment vip'],
      [{ type: 'absence', event: 'Product Added', unless: { event: 'Order Completed' }, within: '60m' }, 'Product Added, then no Order Completed within 60m'],
      [
        { type: 'absence', event: 'Signup Started', unless: { event: 'Signup Completed', where: [{ property: 'plan', op: 'neq', value: 'free' }] }, within: '1d' },
        'Signup Started, then no Signup Completed where plan is not "free" within 1d',
      ],
      [{ type: 'dwell', seconds: 180 }, '180 s on a page'],
      [{ type: 'dwell', seconds: 60, contentType: 'api::article.article' }, '60 s on a article page'],
    ];
    for (const [condition, words] of conditions) expect(describeCondition(condition, t)).toBe(words);
  });

  it('describes actions', () => {
    const actions = (value: object) => value as TriggerActions;
    expect(describeActions(actions({ outbound: { destination: 'mailer' } }), t)).toEqual(['outbound → mailer']);
    expect(describeActions(actions({ onSite: { data: { title: 'More' } } }), t)).toEqual(['on-site']);
    expect(
      describeActions(
        actions({
          onSite: { recommend: { contentType: 'api::movie.movie', limit: 4 } },
          outbound: {
            destination: 'mailer',
            include: { recommendations: { contentType: 'api::movie.movie', limit: 2 }, variant: { contentType: 'api::article.article', documentId: 'abc' } },
            visitorHour: { withinHours: 24 },
          },
        }),
        t
      )
    ).toEqual(['on-site with 4 recommendations of movie', "outbound → mailer (recommendations, variant of article, at the visitor's hour within 24 h)"]);
    expect(describeActions(actions({}), t)).toEqual([]);
  });

  it('describes the cool-down and rate limit, and knows when a test can be sent', () => {
    expect(describeLimits({ cooldown: '1d', maxPerMinute: null }, t)).toBe('1d');
    expect(describeLimits({ cooldown: '30m', maxPerMinute: 100 }, t)).toBe('30m, at most 100 a minute');
    expect(hasOutbound({ actions: { outbound: { destination: 'mailer' } } as TriggerActions })).toBe(true);
    expect(hasOutbound({ actions: { onSite: {} } as TriggerActions })).toBe(false);
  });
});
