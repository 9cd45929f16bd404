import type { JourneyStep } from '../journeys/journey-step';
import { compileStepSpec, type StepMatcher, type StepSpec } from '../journeys/step-spec';
import { durationSec } from '../shared/duration';
import type { FunnelHit } from '../store/profile-store';

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
 * Which steps of which funnels one journey step is (1-based step numbers), for the store to advance
 * each visitor's progress with integer checks only. Funnels the step is no step of are left out, so
 * a batch that touches no funnel carries nothing. Pure.
 */
export const funnelHitsOf = (step: JourneyStep, funnels: readonly CompiledFunnel[]): FunnelHit[] => {
  const hits: FunnelHit[] = [];
  for (const funnel of funnels) {
    let steps: number[] | undefined;
    funnel.matchers.forEach((matches, index) => {
      if (matches(step)) (steps ??= []).push(index + 1);
    });
    if (steps) hits.push({ funnel: funnel.key, windowSec: funnel.windowSec, steps });
  }
  return hits;
};
