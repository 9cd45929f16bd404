import { z } from 'zod';
import { SEGMENT_SLUG_PATTERN } from '../segments/segment-input';

/**
 * The admin API body of a variant. `fields` is only checked for being an object here; the
 * variants service checks it against the content type's schema (it needs Strapi to know it).
 */
const fields = z.record(z.string(), z.unknown(), { error: 'expected an object of field overrides' });
const segment = z.string({ error: 'expected a segment slug' }).regex(SEGMENT_SLUG_PATTERN, 'expected a segment slug');
const priority = z.number({ error: 'expected a whole number' }).int('expected a whole number').min(-1000).max(1000);

export const variantCreateSchema = z
  .strictObject({
    contentType: z.string({ error: 'expected a content type uid' }).regex(/^[a-z0-9-]+::[a-z0-9-]+\.[a-z0-9-]+$/, 'expected a content type uid like api::article.article'),
    documentId: z.string({ error: 'expected the entry\'s documentId' }).min(1).max(64),
    locale: z.string().min(2).max(35).optional(),
    /** The segment the variant is for; or, for an experiment, `experiment` and `arm`. */
    segment: segment.optional(),
    experiment: segment.optional(),
    arm: segment.optional(),
    label: z.string().max(120).optional(),
    priority: priority.default(0),
    enabled: z.boolean({ error: 'expected true or false' }).default(true),
    fields,
  })
  .superRefine((value, ctx) => {
    const forExperiment = Boolean(value.experiment || value.arm);
    if (forExperiment && !(value.experiment && value.arm)) ctx.addIssue({ code: 'custom', path: [value.experiment ? 'arm' : 'experiment'], message: 'an experiment variant names both experiment and arm' });
    if (forExperiment === Boolean(value.segment)) ctx.addIssue({ code: 'custom', path: ['segment'], message: 'a variant is for a segment, or for an experiment arm: give one of them' });
  });

/** What may change: not the entry a variant belongs to. */
export const variantUpdateSchema = z.strictObject({
  segment: segment.optional(),
  label: z.string().max(120).nullable().optional(),
  priority: priority.optional(),
  enabled: z.boolean({ error: 'expected true or false' }).optional(),
  fields: fields.optional(),
});

export const variantListQuery = z.strictObject({
  contentType: z.string().max(255).optional(),
  documentId: z.string().max(64).optional(),
  locale: z.string().max(35).optional(),
});

export type VariantCreate = z.output<typeof variantCreateSchema>;
export type VariantUpdate = z.output<typeof variantUpdateSchema>;
