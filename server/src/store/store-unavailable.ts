import createHttpError, { isHttpError } from 'http-errors';
import type { ProfileStore } from './profile-store';

/**
 * A store call that failed (Redis down, slow past its command timeout) becomes a 503 in Strapi's
 * error format instead of a 500: the data is fine, the service is momentarily unavailable.
 */
export const storeUnavailable = (cause: unknown) => {
  const error = createHttpError(503, 'the profile store is unavailable; nothing was changed, retry later');
  error.details = { reason: cause instanceof Error ? cause.message : String(cause) };
  return error;
};

/** The same store, whose failures are 503 errors. */
export const guardStore = (store: ProfileStore): ProfileStore =>
  new Proxy(store, {
    get(target, property, receiver) {
      const value = Reflect.get(target, property, receiver);
      if (typeof value !== 'function') return value;
      return async (...args: unknown[]) => {
        try {
          return await value.apply(target, args);
        } catch (error) {
          throw isHttpError(error) ? error : storeUnavailable(error);
        }
      };
    },
  });
