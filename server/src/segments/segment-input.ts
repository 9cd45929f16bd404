import { z } from 'zod';
import { ruleTreeSchema } from './rules/rule-schema';

/** What an editor or a config file may say about a segment; shared by the admin API and config. */

export const SEGMENT_SLUG_PATTERN = /^[a-z0-9]+(?:-[a-z0-9]+)*$/;

const slug = z
  .string({ error: 'expected a slug' })
  .max(64, 'longer than 64 characters')
  .regex(SEGMENT_SLUG_PATTERN, 'expected lowercase letters, digits and single hyphens, e.g. "cart-abandoners"');

const fields = {
  name: z.string({ error: 'expected a name' }).trim().min(1, 'must not be empty').max(120, 'longer than 120 characters'),
  slug,
  description: z.string().max(2000, 'longer than 2,000 characters').optional(),
  kind: z.enum(['rule', 'cluster'], { error: 'expected "rule" or "cluster"' }),
  rules: ruleTreeSchema,
  priority: z.number({ error: 'expected a whole number' }).int('expected a whole number').min(-1000).max(1000),
  enabled: z.boolean({ error: 'expected true or false' }),
};

/** A rule segment needs rules; a cluster segment's members are the visitors of the cluster named by its slug. */
const rulesRequired = (value: { kind?: string; rules?: unknown }, ctx: z.RefinementCtx) => {
  if ((value.kind ?? 'rule') === 'rule' && value.rules === undefined) {
    ctx.addIssue({ code: 'custom', path: ['rules'], message: 'a rule segment needs rules' });
  }
};

export const segmentCreateSchema = z
  .strictObject({
    ...fields,
    kind: fields.kind.default('rule'),
    rules: fields.rules.optional(),
    priority: fields.priority.default(0),
    enabled: fields.enabled.default(true),
  })
  .superRefine(rulesRequired);

/** An update names only what changes; the slug never changes (variants and experiments refer to it). */
export const segmentUpdateSchema = z.strictObject({
  name: fields.name.optional(),
  description: fields.description,
  kind: fields.kind.optional(),
  rules: fields.rules.optional(),
  priority: fields.priority.optional(),
  enabled: fields.enabled.optional(),
});

/** `segments: [...]` in config/plugins.ts: the same shape, with unique slugs. */
export const configSegmentsSchema = z
  .array(segmentCreateSchema)
  .max(500, 'more than 500 segments')
  .superRefine((segments, ctx) => {
    const seen = new Set<string>();
    segments.forEach((segment, index) => {
      if (seen.has(segment.slug)) ctx.addIssue({ code: 'custom', path: [index, 'slug'], message: `duplicate slug "${segment.slug}"` });
      seen.add(segment.slug);
    });
  })
  .default([]);

export type SegmentCreate = z.output<typeof segmentCreateSchema>;
export type SegmentUpdate = z.output<typeof segmentUpdateSchema>;
