import { decodeStep, isNamedPageStep, type JourneyStep } from '../journeys/journey-step';
import { addTo, forwardWeight, mapOf, type CoEngagementSettings } from './co-engagement';

/**
 * Page paths: where visitors go next from a named page (issue 16's "paths from a given page"), a
 * first-order count of transitions from a page view to the visitor's next step, kept site-wide and
 * decayed. Pure.
 *
 * A transition is from a page view with a name (`page:` steps of the journey record, see
 * `journeys/journey-step.ts`) to the next step of the same visitor, a named page or an event, when
 * it came within the session gap. The step before a batch's first is the head of the visitor's
 * step record as it was (the store hands it back, `ApplyResult.previousStep`); only steps the store
 * applied count, so a batch sent again counts nothing twice. Unnamed page views (the tracker's
 * automatic ones) are neither a start nor a target: they break the chain.
 *
 * Counting uses the co-engagement scheme (`co-engagement.ts`): forward decay with its landmark and
 * half-life, a bounded set of pages by decayed transitions out, and per page a bounded set of next
 * steps, trimmed like neighbours. The counts hold page and event names only, never a visitor.
 */

/** A next step's label: `page:<name>` or `event:<name>`. */
export const stepLabel = (step: Pick<JourneyStep, 'kind' | 'name'>): string => `${step.kind}:${step.name}`;

const PAGE_LABEL = stepLabel({ kind: 'page', name: '' });

/** The page a `page:<name>` label names; undefined for an event's label. */
export const pageOfLabel = (label: string): string | undefined => (label.startsWith(PAGE_LABEL) ? label.slice(PAGE_LABEL.length) : undefined);

export interface PageTransition {
  /** The page's name. */
  from: string;
  /** The next step's label (`stepLabel`). */
  to: string;
  /** Epoch seconds of the next step. */
  at: number;
}

/** Pages tracked site-wide (the pages with the fewest decayed transitions out go first). */
export const MAX_TRACKED_PAGES = 1_000;

/**
 * The transitions of one visitor's applied batch: `previousStep` the head of the step record before
 * it (stored form, if any), `steps` the applied events' steps (stored form) in batch order.
 */
export const pageTransitions = (previousStep: string | undefined, steps: readonly (string | undefined)[], sessionGapSec: number): PageTransition[] => {
  const transitions: PageTransition[] = [];
  // Only a named page starts a transition: a step is decoded when it is one, or when it ends one.
  const namedPage = (step: JourneyStep | undefined) => (step?.kind === 'page' && step.name !== '' ? step : undefined);
  let previous = previousStep !== undefined && isNamedPageStep(previousStep) ? namedPage(decodeStep(previousStep)) : undefined;
  for (const stored of steps) {
    if (stored === undefined) continue;
    if (previous === undefined && !isNamedPageStep(stored)) continue;
    const step = decodeStep(stored);
    if (!step) continue;
    if (previous && step.name !== '' && step.ts >= previous.ts && step.ts - previous.ts <= sessionGapSec) {
      transitions.push({ from: previous.name, to: stepLabel(step), at: step.ts });
    }
    previous = namedPage(step);
  }
  return transitions;
};

/** What transitions add: per page its decayed transitions out, and per page each next step's. */
export interface PagePathIncrements {
  pages: Map<string, number>;
  next: Map<string, Map<string, number>>;
}

export const planPagePaths = (
  transitions: readonly PageTransition[],
  settings: Pick<CoEngagementSettings, 'halfLifeSec' | 'landmarkSec'>,
  increments: PagePathIncrements = { pages: new Map(), next: new Map() }
): PagePathIncrements => {
  for (const { from, to, at } of transitions) {
    const weight = forwardWeight(at, settings);
    addTo(increments.pages, from, weight);
    addTo(mapOf(increments.next, from), to, weight);
  }
  return increments;
};

export interface PageStep {
  /** `page:<name>` or `event:<name>`. */
  label: string;
  /** Its share of the transitions out of the page, 0 to 1. */
  share: number;
}
