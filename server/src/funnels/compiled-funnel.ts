import type { JourneyStep } from '../journeys/journey-step';
import { compileStepSpec, type StepMatcher, type StepSpec } from '../journeys/step-spec';
import { durationSec } from '../shared/duration';
import type { FunnelWindow } from '../store/profile-store';

/** A funnel as stored (the content type `plugin::personalization.funnel`). */
export interface FunnelRecord {
  documentId: string;
  name: string;
  steps: StepSpec[];
  window: string;
  enabled: boolean;
}

/** An enabled funnel, ready for ingest: compiled once per change, not per event. */
export interface CompiledFunnel {
  /** The funnel's documentId: the name of its progress field and of its counters. */
  key: string;
  windowSec: number;
  matchers: StepMatcher[];
}

export const compileFunnel = (record: FunnelRecord): CompiledFunnel => {
  const windowSec = durationSec(record.window);
  if (windowSec === null) throw new Error(`invalid window ${JSON.stringify(record.window)}`);
  return { key: record.documentId, windowSec, matchers: record.steps.map(compileStepSpec) };
};

/**
 * Which steps of which funnels one journey step is, as the store takes them (`EventUpdate.funnels`):
 * pairs of the funnel's index in `funnels` and a mask of its steps (bit k-1 for step k), so that the
 * store advances each visitor's progress with integer checks only. Funnels the step is no step of
 * are left out: a batch that touches no funnel carries nothing. Pure.
 */
export const funnelHitsOf = (step: JourneyStep, funnels: readonly CompiledFunnel[]): number[] => {
  const hits: number[] = [];
  funnels.forEach((funnel, index) => {
    let mask = 0;
    for (let at = 0; at < funnel.matchers.length; at++) if (funnel.matchers[at](step)) mask |= 1 << at;
    if (mask !== 0) hits.push(index, mask);
  });
  return hits;
};

/** Distinct journey steps remembered by `cachedFunnelHits` before it starts over. */
const MAX_CACHED_STEPS = 5_000;

/**
 * `funnelHitsOf` for these funnels, remembered per distinct step (what matching reads: kind, name,
 * category, content type, topics; not the time). A site's events repeat a few thousand kinds of
 * step, so most events cost a lookup instead of every funnel's matchers. Callers do not change the
 * answer (it is shared).
 */
export const cachedFunnelHits = (funnels: readonly CompiledFunnel[]): ((step: JourneyStep) => number[]) => {
  const cache = new Map<string, number[]>();
  return (step) => {
    const key = `${step.kind}\u0000${step.name}\u0000${step.category ?? ''}\u0000${step.contentType ?? ''}\u0000${step.topics?.join('\u0000') ?? ''}`;
    let hits = cache.get(key);
    if (hits === undefined) {
      if (cache.size >= MAX_CACHED_STEPS) cache.clear();
      hits = funnelHitsOf(step, funnels);
      cache.set(key, hits);
    }
    return hits;
  };
};

/** What the store needs of the funnels hits name by index. */
export const funnelWindows = (funnels: readonly CompiledFunnel[]): FunnelWindow[] => funnels.map(({ key, windowSec }) => ({ key, windowSec }));
