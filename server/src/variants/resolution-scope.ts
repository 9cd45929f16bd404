import { AsyncLocalStorage } from 'async_hooks';

/**
 * `false` switches resolution off for the reads made inside: `personalization: false` on a GraphQL
 * field, and the loading of a variant's relation targets (served as populated relations are: base).
 */
export const personalizationSwitch = new AsyncLocalStorage<boolean>();
