import { AsyncLocalStorage } from 'async_hooks';

/**
 * `false` switches resolution off for the reads made inside: `personalization: false` on a GraphQL
 * field, and the loading of a variant's relation targets (served as populated relations are: base).
 */
export const personalizationSwitch = new AsyncLocalStorage<boolean>();

/**
 * The GraphQL root field (its response key, the alias if any) whose resolver is running. The
 * Document Service middleware files what it chose under it, so that the field resolvers of the
 * entries it returned find it, and two reads of the same entry in one query (one of them with
 * `personalization: false`) stay apart. Unset outside GraphQL.
 */
export const graphqlRootField = new AsyncLocalStorage<string>();
