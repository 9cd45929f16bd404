import { z } from 'zod';
import { STRATEGY_IDS } from './strategies';

const DOCUMENT_ID = /^[A-Za-z0-9_-]{1,64}$/;

/**
 * `GET /api/personalization/recommendations`: which content type, how many, related to what, by
 * which strategy; `populate`, `fields` and `locale` go on to the type's own `find` (which validates
 * them against the caller's permissions). Anything else is refused, so that a typo is not silently
 * ignored.
 */
export const recommendationQuerySchema = (maxLimit: number) =>
  z.strictObject({
    contentType: z.string().min(1).max(255),
    limit: z.coerce.number().int().min(1).max(maxLimit).default(10),
    /** "Related to this entry": recommendations around one document rather than the visitor's history. */
    for: z.string().regex(DOCUMENT_ID, 'expected a documentId').optional(),
    strategy: z.enum(STRATEGY_IDS).optional(),
    /** Entries the visitor already engaged with are left out unless this is `true`. */
    includeViewed: z.enum(['true', 'false']).optional(),
    locale: z.string().max(35).optional(),
    populate: z.unknown().optional(),
    fields: z.unknown().optional(),
  });

export type RecommendationQuery = z.output<ReturnType<typeof recommendationQuerySchema>>;
