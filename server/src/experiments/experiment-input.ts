import { z } from 'zod';
import { isStrategyId, STRATEGY_IDS } from '../recommendations/strategies';
import { SEGMENT_SLUG_PATTERN } from '../segments/segment-input';

/** The admin API body of an experiment, and of stopping one. */

export const CONTROL = 'control';
const slug = (what: string) =>
  z.string({ error: `expected ${what}` }).max(64, 'longer than 64 characters').regex(SEGMENT_SLUG_PATTERN, `expected ${what}: lowercase letters, digits and single hyphens`);

const goal = z
  .strictObject({
    event: z.string().min(1).max(200).optional(),
    category: z.string().min(1).max(200).optional(),
    action: z.string().min(1).max(200).optional(),
  })
  .refine((value) => Boolean(value.event || value.category), 'a goal names an event, or a category (and action)');

const arm = z.strictObject({
  key: slug('an arm key'),
  weight: z.number({ error: 'expected a weight' }).min(0, 'expected a weight of 0 or more').max(10_000),
});

const arms = z
  .array(arm, { error: 'expected a list of arms' })
  .min(2, 'expected a control arm and at least one more')
  .max(10, 'more than 10 arms')
  .superRefine((list, ctx) => {
    const keys = list.map((item) => item.key);
    if (!keys.includes(CONTROL)) ctx.addIssue({ code: 'custom', path: [], message: `expected an arm "${CONTROL}" (the base entry)` });
    keys.forEach((key, index) => {
      if (keys.indexOf(key) !== index) ctx.addIssue({ code: 'custom', path: [index, 'key'], message: `duplicate arm "${key}"` });
    });
    if (list.every((item) => item.weight === 0)) ctx.addIssue({ code: 'custom', path: [], message: 'at least one arm needs a weight above 0' });
  });

const target = z.union(
  [
    z.strictObject({ contentType: z.string().max(255), documentId: z.string().min(1).max(64), locale: z.string().min(2).max(35).optional() }),
    z.strictObject({ segment: slug('a segment slug') }),
    /** The recommendation strategies served for one content type: arms are strategy ids, control the default one. */
    z.strictObject({ recommendations: z.string().min(1).max(255) }),
  ],
  { error: 'expected { contentType, documentId, locale? } (one entry), { segment } (every entry with a variant for it) or { recommendations: <content type> }' }
);

export const experimentCreateSchema = z
  .strictObject({
    name: z.string({ error: 'expected a name' }).trim().min(1, 'must not be empty').max(120),
    key: slug('a key'),
    description: z.string().max(2000).optional(),
    target,
    audience: slug('a segment slug').nullable().optional(),
    arms,
    holdoutPercent: z.number().min(0).max(50, 'at most 50').default(0),
    goals: z.strictObject({ primary: goal, secondary: z.array(goal).max(5).default([]) }),
  })
  .superRefine((value, ctx) => {
    if ('recommendations' in value.target) {
      value.arms.forEach((arm, index) => {
        if (arm.key !== CONTROL && !isStrategyId(arm.key)) {
          ctx.addIssue({ code: 'custom', path: ['arms', index, 'key'], message: `expected "${CONTROL}" (the default strategy) or a strategy: ${STRATEGY_IDS.join(', ')}` });
        }
      });
    }
    if ('segment' in value.target && value.arms.length !== 2) {
      ctx.addIssue({ code: 'custom', path: ['arms'], message: 'a segment-level experiment has two arms: control (base) and one serving the segment’s variants' });
    }
  });

/** What may change once created: while running, only the name, description and arm weights. */
export const experimentUpdateSchema = z.strictObject({
  name: z.string().trim().min(1).max(120).optional(),
  description: z.string().max(2000).optional(),
  arms: arms.optional(),
  holdoutPercent: z.number().min(0).max(50).optional(),
  audience: slug('a segment slug').nullable().optional(),
  goals: z.strictObject({ primary: goal, secondary: z.array(goal).max(5).default([]) }).optional(),
});

export const experimentStopSchema = z.strictObject({
  winner: slug('an arm key').optional(),
  promote: z
    .union([z.strictObject({ to: z.literal('segment'), segment: slug('a segment slug') }), z.strictObject({ to: z.literal('base') })], {
      error: 'expected { to: "segment", segment } or { to: "base" }',
    })
    .optional(),
});

export type ExperimentCreate = z.output<typeof experimentCreateSchema>;
export type ExperimentUpdate = z.output<typeof experimentUpdateSchema>;
export type ExperimentStop = z.output<typeof experimentStopSchema>;
export type Goal = z.output<typeof goal>;
