/**
 * What experiments keep: each visitor's sticky arm and first conversions, and each experiment's
 * counters. Two drivers (`redis-experiment-store.ts`, `memory-experiment-store.ts`) held to the same
 * contract by `tests/integration/store-contract/experiments.test.ts`.
 */

/** A visitor's sticky experiment arm and when it was first served. */
export interface Assignment {
  arm: string;
  /** Epoch seconds of the first exposure. */
  at: number;
}

export interface ExperimentCounters {
  totals: Record<string, number>;
  /** `<utc day>|<counter>` -> count. */
  daily: Record<string, number>;
}

export interface ExperimentStore {
  readAssignments(visitorId: string): Promise<Record<string, Assignment>>;
  /**
   * Records a visitor's arm on first exposure; resolves to true when this was the first (and the
   * arm's visitor counters went up), false when an arm was already recorded or the store holds no
   * profile of the visitor (a read by an unknown visitor records nothing).
   */
  recordExposure(visitorId: string, experiment: string, arm: string, now: number, retentionSec: number): Promise<boolean>;
  /** Counts a conversion: once per visitor and goal (unique), and in the goal's total. */
  recordConversion(visitorId: string, experiment: string, arm: string, goal: string, now: number, retentionSec: number): Promise<boolean>;
  /** The experiment's counters: totals and daily buckets (`<day>|<counter>`). */
  experimentCounters(experiment: string): Promise<ExperimentCounters>;
  deleteExperimentData(experiment: string): Promise<void>;
  /** Erases what the visitors' ids hold here (assignments, conversions); resolves to whether anything was held. */
  forgetVisitors(visitorIds: readonly string[]): Promise<boolean>;
}

/** What one counter counts: visitors first exposed to an arm, or a goal's converted visitors (`converted`) or conversions (`conversions`) in an arm. */
export type ExperimentCounter = { metric: 'visitors'; goal: null; arm: string } | { metric: 'converted' | 'conversions'; goal: string; arm: string };

const KINDS = { visitors: 'v', converted: 'cv', conversions: 'ct' } as const;

/** A counter's name in the store: `v|<arm>`, `cv|<goal>|<arm>`, `ct|<goal>|<arm>`. */
export const experimentCounterName = (counter: ExperimentCounter): string =>
  counter.goal === null ? `${KINDS.visitors}|${counter.arm}` : `${KINDS[counter.metric]}|${counter.goal}|${counter.arm}`;

/** A counter's name read back; null for anything else. */
export const parseExperimentCounter = (name: string): ExperimentCounter | null => {
  const [kind, ...rest] = name.split('|');
  if (kind === KINDS.visitors && rest.length === 1) return { metric: 'visitors', goal: null, arm: rest[0] };
  if (kind === KINDS.converted && rest.length === 2) return { metric: 'converted', goal: rest[0], arm: rest[1] };
  if (kind === KINDS.conversions && rest.length === 2) return { metric: 'conversions', goal: rest[0], arm: rest[1] };
  return null;
};

/** Counters a first exposure adds to. */
export const exposureCounters = (arm: string): string[] => [experimentCounterName({ metric: 'visitors', goal: null, arm })];

/** Counters a conversion adds to: the goal's total, and its unique visitors on a first conversion. */
export const conversionCounters = (goal: string, arm: string, first: boolean): string[] => [
  experimentCounterName({ metric: 'conversions', goal, arm }),
  ...(first ? [experimentCounterName({ metric: 'converted', goal, arm })] : []),
];
