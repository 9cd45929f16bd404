/**
 * The recommendation strategies, versioned: an experiment compares them by id, and a change of
 * scoring gets a new id rather than silently changing what an arm meant. The admin and the API list
 * them from here.
 */

export const STRATEGIES = [
  {
    id: 'cf-v1',
    description: 'Users who engaged with what you engaged with also engaged with these (item-to-item co-engagement); topic, then popular, when there is too little.',
  },
  {
    id: 'next-v1',
    description: 'Where visitors most often go next from this entry, or from the last one the visitor engaged with (first-order steps); then co-engagement, topic, popular.',
  },
  { id: 'topic-v1', description: "Entries whose topics match the visitor's topic affinities; popular when none match." },
  { id: 'popular-v1', description: "Most engaged-with entries lately, in the visitor's segment when it has enough, else site-wide." },
] as const;

export type StrategyId = (typeof STRATEGIES)[number]['id'];

/** The ids, as a tuple (for zod enums). */
export const STRATEGY_IDS = STRATEGIES.map((strategy) => strategy.id) as [StrategyId, ...StrategyId[]];

export const DEFAULT_STRATEGY: StrategyId = 'cf-v1';

export const isStrategyId = (value: unknown): value is StrategyId => STRATEGIES.some((strategy) => strategy.id === value);

/** Why an entry was recommended. */
export type RecommendationReason = 'next-step' | 'co-engagement' | 'topic' | 'popular';
