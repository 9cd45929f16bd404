import { z } from 'zod';
import type { JourneyStep } from './journey-step';

/**
 * The step language shared by sequence rules (`segments/rules/`) and funnels (`funnels/`): what one
 * step of a journey must be. Every field given must hold (they combine with AND):
 *
 *   { "page": "Pricing" }                       a page view named Pricing
 *   { "event": "Signup Started" }               a track event of that name
 *   { "category": "Docs" }                      any step of that category
 *   { "contentType": "article", "topic": "ai" } a step about an article entry with the topic ai
 *
 * `contentType` is a uid (`api::article.article`) or its model name (`article`). Pure.
 */
export interface StepSpec {
  page?: string;
  event?: string;
  category?: string;
  contentType?: string;
  topic?: string;
}

const STEP_FIELDS = ['page', 'event', 'category', 'contentType', 'topic'] as const;

const text = z
  .string({ error: 'expected a text' })
  .trim()
  .min(1, 'expected a non-empty text')
  .max(100, 'longer than 100 characters');

export const stepSpecSchema = z
  .strictObject({
    page: text.optional(),
    event: text.optional(),
    category: text.optional(),
    contentType: text.optional(),
    topic: text.optional(),
  })
  .refine((spec) => STEP_FIELDS.some((field) => spec[field] !== undefined), {
    error: `expected at least one of ${STEP_FIELDS.join(', ')}`,
  })
  .refine((spec) => spec.page === undefined || spec.event === undefined, {
    error: 'a step is a page view or an event, not both',
  });

const modelName = (contentType: string) => contentType.slice(contentType.lastIndexOf('.') + 1);

/**
 * Whether a recorded content type is the one a step names, each a uid or a bare model name (a
 * decoded step holds a uid; a model name on either side matches any uid of that model).
 */
export const sameContentType = (recorded: string, named: string) =>
  recorded === named ||
  (!named.includes('::') && modelName(recorded) === named) ||
  (!recorded.includes('::') && modelName(named) === recorded);

export type StepMatcher = (step: JourneyStep) => boolean;

/** A checked spec as a predicate over recorded steps. */
export const compileStepSpec = (spec: StepSpec): StepMatcher => {
  const { page, event, category, contentType, topic } = spec;
  return (step) =>
    (page === undefined || (step.kind === 'page' && step.name === page)) &&
    (event === undefined || (step.kind === 'event' && step.name === event)) &&
    (category === undefined || step.category === category) &&
    (contentType === undefined || (step.contentType !== undefined && sameContentType(step.contentType, contentType))) &&
    (topic === undefined || (step.topics?.includes(topic) ?? false));
};
