import { z } from 'zod';
import { journeySpanSec, MAX_JOURNEY_STEPS, MIN_JOURNEY_STEPS } from '../journeys/journey-bounds';
import { stepSpecSchema } from '../journeys/step-spec';
import { dayOfDate } from '../shared/utc-date';

/**
 * What an editor may say about a funnel: ordered steps in the step language of sequence rules
 * (`journeys/step-spec.ts`) and the window within which a visitor must go from the first step to the
 * last. Checked whole when saved, with paths (`steps[2].page: ...`).
 */

export const MIN_FUNNEL_STEPS = MIN_JOURNEY_STEPS;
export const MAX_FUNNEL_STEPS = MAX_JOURNEY_STEPS;

/**
 * Enabled funnels at most. Every enabled funnel is matched against every event of every batch and
 * can keep one field in every visitor's profile hash (which stays a compact listpack only up to
 * 128 fields): 20 keeps both bounded, and the ingest cost of 10 was measured (`npm run bench -- funnels`).
 */
export const MAX_ENABLED_FUNNELS = 20;

const window = z
  .string({ error: 'expected a duration such as "7d"' })
  .refine((text) => journeySpanSec(text) !== null, 'expected a duration from "1m" to "90d" (s, m, h or d), such as "7d"');

const fields = {
  name: z.string({ error: 'expected a name' }).trim().min(1, 'must not be empty').max(120, 'longer than 120 characters'),
  description: z.string().max(2000, 'longer than 2,000 characters').nullable().optional(),
  steps: z
    .array(stepSpecSchema, { error: 'expected a list of steps' })
    .min(MIN_FUNNEL_STEPS, `expected at least ${MIN_FUNNEL_STEPS} steps`)
    .max(MAX_FUNNEL_STEPS, `expected at most ${MAX_FUNNEL_STEPS} steps`),
  window,
  enabled: z.boolean({ error: 'expected true or false' }),
};

export const funnelCreateSchema = z.strictObject({ ...fields, enabled: fields.enabled.default(true) });

/** An update names only what changes. */
export const funnelUpdateSchema = z.strictObject({
  name: fields.name.optional(),
  description: fields.description,
  steps: fields.steps.optional(),
  window: fields.window.optional(),
  enabled: fields.enabled.optional(),
});

const DAY_PATTERN = /^\d{4}-\d{2}-\d{2}$/;

/** The report's query: a range of UTC days (at most a year) and optionally one segment. */
export const funnelReportQuery = z
  .strictObject({
    from: z.string({ error: 'expected a day as YYYY-MM-DD' }).regex(DAY_PATTERN, 'expected a day as YYYY-MM-DD'),
    to: z.string({ error: 'expected a day as YYYY-MM-DD' }).regex(DAY_PATTERN, 'expected a day as YYYY-MM-DD'),
    segment: z.string().max(64, 'longer than 64 characters').optional(),
  })
  .transform((query, ctx) => {
    const fromDay = dayOfDate(query.from);
    const toDay = dayOfDate(query.to);
    if (!Number.isInteger(fromDay)) ctx.addIssue({ code: 'custom', path: ['from'], message: 'not a calendar day' });
    if (!Number.isInteger(toDay)) ctx.addIssue({ code: 'custom', path: ['to'], message: 'not a calendar day' });
    if (toDay < fromDay) ctx.addIssue({ code: 'custom', path: ['to'], message: 'before "from"' });
    if (toDay - fromDay >= 366) ctx.addIssue({ code: 'custom', path: ['to'], message: 'a range of at most 366 days' });
    return { fromDay, toDay, segment: query.segment };
  });

export type FunnelCreate = z.output<typeof funnelCreateSchema>;
export type FunnelUpdate = z.output<typeof funnelUpdateSchema>;
