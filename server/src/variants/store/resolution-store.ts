import type { Assignment } from '../../experiments/store/experiment-store';

/** What resolution reads about a visitor, in one round trip. */
export interface ResolutionState {
  segments: string[];
  assignments: Record<string, Assignment>;
}

/**
 * The content-fetch read: a visitor's segments and, when asked (experiments are running), its
 * experiment assignments, in one round trip on a connection that nothing else queues on. Two
 * drivers (`redis-resolution-store.ts`, `memory-resolution-store.ts`), in the contract suite's
 * `tests/integration/store-contract/experiments.test.ts`.
 */
export interface ResolutionStore {
  readResolutionState(visitorId: string, options?: { assignments?: boolean }): Promise<ResolutionState>;
}
