import { ReplyError } from 'ioredis';
import createHttpError, { isHttpError } from 'http-errors';
import { StoreUsageError } from './store-usage-error';

/** Redis replies that mean "not now" rather than "wrong": retrying later can succeed. */
const UNAVAILABLE_REPLY = /^(LOADING|BUSY|MASTERDOWN|CLUSTERDOWN|TRYAGAIN|READONLY|NOREPLICAS|OOM)\b/;

/**
 * Whether a failed store call means the store is unavailable (Redis down, unreachable, or slower
 * than its command timeout), as opposed to a bug: a Lua error or an invalid argument. Only the
 * first becomes a 503 with Retry-After; a bug hidden behind a 503 would be retried forever.
 */
export const isUnavailability = (error: unknown): boolean => {
  if (error instanceof StoreUsageError) return false;
  if (error instanceof ReplyError) return UNAVAILABLE_REPLY.test((error as Error).message);
  return true;
};

/** A failed call of an unavailable store: a 503 in Strapi's error format instead of a 500. */
export const storeUnavailable = (cause: unknown) => {
  const error = createHttpError(503, 'the profile store is unavailable; retry later');
  error.details = { reason: cause instanceof Error ? cause.message : String(cause) };
  return error;
};

/** The same store (any capability's), whose failures from unavailability are 503 errors. */
export const guardStore = <Store extends object>(store: Store): Store =>
  new Proxy(store, {
    get(target, property, receiver) {
      const value = Reflect.get(target, property, receiver);
      if (typeof value !== 'function') return value;
      return async (...args: unknown[]) => {
        try {
          return await value.apply(target, args);
        } catch (error) {
          throw isHttpError(error) || !isUnavailability(error) ? error : storeUnavailable(error);
        }
      };
    },
  });
