/** A store call made wrongly (an invalid id reaching a key): a bug, never a reason to retry. */
export class StoreUsageError extends Error {}
