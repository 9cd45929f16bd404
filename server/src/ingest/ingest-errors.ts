import type { Core } from '@strapi/strapi';
import { errors } from '@strapi/utils';
import { isHttpError } from 'http-errors';
import type { Context } from 'koa';

/**
 * The two refusals of a validated batch that a sender should retry, shared by the events and the
 * webhooks controllers.
 */

/**
 * The store unavailable (down, or slower than its budget) is a 503 the sender retries: the write
 * may have landed before the answer was lost, so the answer says to retry with the same
 * messageIds, which count once. A Lua error or any other bug stays a 500 (`store-unavailable.ts`).
 */
export const whileStoring = async <T>(strapi: Core.Strapi, ctx: Context, work: () => Promise<T>): Promise<T> => {
  try {
    return await work();
  } catch (error) {
    if (isHttpError(error) && error.status === 503) {
      strapi.log.warn(`[personalization] events may not have been stored: ${JSON.stringify(error.details)}`);
      ctx.set('Retry-After', '5');
      error.message = 'the profile store did not confirm in time: the events may or may not have been stored; retry with the same messageIds (they are counted once)';
    }
    throw error;
  }
};

/** A visitor over its per-minute event quota: 429, and events already stored count once when sent again. */
export const tooManyEvents = (ctx: Context, retryAfterSec: number, who: string) => {
  ctx.set('Retry-After', String(retryAfterSec));
  return new errors.RateLimitError(`too many events for ${who}; retry later (events already stored are counted once when sent again with their messageIds)`, { retryAfter: retryAfterSec });
};
