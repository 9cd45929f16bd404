import { z } from 'zod';
import { STRATEGY_IDS } from '../recommendations/strategies';
import { SEGMENT_SLUG_PATTERN } from '../segments/segment-input';
import { ruleTreeSchema } from '../segments/rules/rule-schema';
import { durationSec } from '../shared/duration';
import { operatorProblem } from '../segments/rules/operators';
import { FILTER_OPERATORS, type FilterOperator } from './property-filter';

/**
 * What an editor may say about a trigger: a condition (when), an optional audience (who, in the
 * rule language of segments) and actions (what: an on-site action in the ingest answer, an
 * outbound delivery to a configured destination). Checked whole when saved, with paths.
 */

const MAX_WAIT_SEC = 30 * 86_400;

const duration = (max: number, example: string) =>
  z
    .string({ error: `expected a duration such as "${example}"` })
    .refine((text) => {
      const sec = durationSec(text);
      return sec !== null && sec <= max;
    }, `expected a duration such as "${example}" (s, m, h or d) of at most ${max / 86_400} days`);

const name = z.string({ error: 'expected an event name' }).trim().min(1, 'must not be empty').max(200, 'longer than 200 characters');
const scalar = z.union([z.string().max(200, 'longer than 200 characters'), z.number().finite(), z.boolean()], { error: 'expected a string, number or boolean' });

const propertyFilter = z
  .strictObject({
    property: z.string({ error: 'expected a property name' }).regex(/^[A-Za-z0-9_$-]{1,64}(\.[A-Za-z0-9_$-]{1,64}){0,4}$/, 'expected a property name or a dot path, e.g. "product.category"'),
    op: z.enum(FILTER_OPERATORS as [FilterOperator, ...FilterOperator[]], { error: (issue) => `unknown operator ${JSON.stringify(issue.input)} (expected one of ${FILTER_OPERATORS.join(', ')})` }),
    value: z.union([scalar, z.array(scalar).min(1, 'expected a non-empty list').max(100, 'more than 100 values')]).optional(),
  })
  .superRefine((filter, ctx) => {
    const problem = operatorProblem(filter.op, 'any', filter.value, filter.property);
    if (problem) ctx.addIssue({ code: 'custom', path: [problem.where], message: problem.message });
  });

const eventMatcher = { event: name, where: z.array(propertyFilter).max(20, 'more than 20 filters').optional() };

export const conditionSchema = z.discriminatedUnion(
  'type',
  [
    /** An event happens (with property filters). */
    z.strictObject({ type: z.literal('event'), ...eventMatcher }),
    /** The visitor enters or leaves a segment. */
    z.strictObject({
      type: z.literal('segment'),
      segment: z.string({ error: 'expected a segment slug' }).regex(SEGMENT_SLUG_PATTERN, 'expected a segment slug'),
      change: z.enum(['enter', 'leave'], { error: 'expected "enter" or "leave"' }),
    }),
    /** An event with no follow-up within a time: `Product Added` and no `Order Completed` within 60 minutes. */
    z.strictObject({
      type: z.literal('absence'),
      ...eventMatcher,
      unless: z.strictObject(eventMatcher),
      within: duration(MAX_WAIT_SEC, '60m'),
    }),
    /** Visible time on one page passes a threshold (the tracker's heartbeats, `Dwell Time` with `total`). */
    z.strictObject({
      type: z.literal('dwell'),
      seconds: z.number({ error: 'expected seconds' }).int('expected whole seconds').min(1).max(86_400),
      contentType: z.string().max(255).optional(),
    }),
  ],
  { error: 'expected a condition of type "event", "segment", "absence" or "dwell"' }
);

const recommendationsRequest = z.strictObject({
  contentType: z.string({ error: 'expected a content type uid' }).max(255),
  limit: z.number().int('expected a whole number').min(1).max(20, 'at most 20').default(4),
  strategy: z.enum(STRATEGY_IDS).optional(),
});

export const actionsSchema = z
  .strictObject({
    /** Carried by the ingest answer that reported the behavior; the tracker raises `psn:trigger`. */
    onSite: z
      .strictObject({
        /** Anything the page needs to render the action (a message, a layout name). */
        data: z
          .record(z.string().regex(/^[A-Za-z0-9_-]{1,64}$/, 'expected a key of A-Z a-z 0-9 _ -'), scalar)
          .refine((data) => Object.keys(data).length <= 20, 'more than 20 keys')
          .optional(),
        recommend: recommendationsRequest.optional(),
      })
      .optional(),
    /** A signed POST to a destination named in the plugin config (`triggers.destinations`). */
    outbound: z
      .strictObject({
        destination: z.string({ error: 'expected a destination name' }).max(64),
        include: z
          .strictObject({
            recommendations: recommendationsRequest.optional(),
            /** The entry as this visitor would be served it (their segment's variant), for e-mail modules. */
            variant: z.strictObject({ contentType: z.string().max(255), documentId: z.string().min(1).max(64), locale: z.string().max(35).optional() }).optional(),
          })
          .optional(),
        /** Wait for the hour of the week the visitor is usually active in, at most this long. */
        visitorHour: z.strictObject({ withinHours: z.number().int().min(1).max(168) }).optional(),
      })
      .optional(),
  })
  .refine((actions) => actions.onSite || actions.outbound, 'expected at least one action: onSite or outbound');

export const TRIGGER_SLUG_PATTERN = SEGMENT_SLUG_PATTERN;

const fields = {
  name: z.string({ error: 'expected a name' }).trim().min(1, 'must not be empty').max(120, 'longer than 120 characters'),
  slug: z
    .string({ error: 'expected a slug' })
    .max(64, 'longer than 64 characters')
    .regex(TRIGGER_SLUG_PATTERN, 'expected lowercase letters, digits and single hyphens, e.g. "cart-abandoned"'),
  description: z.string().max(2000, 'longer than 2,000 characters').nullable().optional(),
  enabled: z.boolean({ error: 'expected true or false' }),
  condition: conditionSchema,
  /** Only visitors whose profile matches these rules (the segment rule language). */
  audience: ruleTreeSchema.nullable().optional(),
  actions: actionsSchema,
  /** The same visitor is not acted on again by this trigger within this time. */
  cooldown: duration(365 * 86_400, '1d'),
  /** Actions per minute at most, for the whole site; the rest are dropped and counted. */
  maxPerMinute: z.number().int().min(1).max(1_000_000).nullable().optional(),
};

/** An absence is known only once the visitor is gone: it can act outbound only. */
const onSiteNeedsARequest = (value: { condition?: { type: string }; actions?: { onSite?: unknown } }, ctx: z.RefinementCtx) => {
  if (value.condition?.type === 'absence' && value.actions?.onSite) {
    ctx.addIssue({ code: 'custom', path: ['actions', 'onSite'], message: 'an absence is found after the visitor left, so it has no on-site action; use outbound' });
  }
};

export const triggerCreateSchema = z
  .strictObject({ ...fields, enabled: fields.enabled.default(true), cooldown: fields.cooldown.default('1d') })
  .superRefine(onSiteNeedsARequest);

/** An update names only what changes; the slug never changes (deliveries and counters refer to it). */
export const triggerUpdateSchema = z
  .strictObject({
    name: fields.name.optional(),
    description: fields.description,
    enabled: fields.enabled.optional(),
    condition: fields.condition.optional(),
    audience: fields.audience,
    actions: fields.actions.optional(),
    cooldown: fields.cooldown.optional(),
    maxPerMinute: fields.maxPerMinute,
  })
  .superRefine(onSiteNeedsARequest);

export type TriggerCreate = z.output<typeof triggerCreateSchema>;
export type TriggerUpdate = z.output<typeof triggerUpdateSchema>;
export type TriggerCondition = z.output<typeof conditionSchema>;
export type TriggerActions = z.output<typeof actionsSchema>;
export type RecommendationsRequest = z.output<typeof recommendationsRequest>;
