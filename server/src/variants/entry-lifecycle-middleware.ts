import type { Core } from '@strapi/strapi';
import { pluginService } from '../shared/plugin-services';

interface DocumentContext {
  uid: string;
  action: string;
  params: { documentId?: string; locale?: string };
}

type DocumentMiddleware = (context: DocumentContext, next: () => Promise<unknown>) => Promise<unknown>;

interface AfterWrite {
  /** The Document Service actions this concern follows. */
  actions: ReadonlySet<string>;
  /** What the concern does, for the log: "forgetting the topics of". */
  concern: string;
  effect(uid: string, documentId: string, locale: string | undefined): void | Promise<unknown>;
}

/**
 * A side effect of a write to a personalized entry, run once the write has succeeded. Its failure
 * is caught and logged: a clean-up that fails never turns a successful write into an error. One
 * middleware per concern, as Strapi's content-releases plugin registers its own document
 * middlewares (`deleteActionsOnDelete`, `updateActionsOnUpdate`).
 */
const afterWrite =
  (strapi: Core.Strapi, { actions, concern, effect }: AfterWrite): DocumentMiddleware =>
  async (context, next) => {
    if (!actions.has(context.action) || !pluginService(strapi, 'contentTypes').isEnabled(context.uid)) return next();
    const result = await next();
    const { documentId, locale } = context.params;
    if (!documentId) return result;
    try {
      await effect(context.uid, documentId, locale);
    } catch (error) {
      strapi.log.error(`[personalization] ${concern} ${context.uid} ${documentId} after ${context.action} failed: ${(error as Error).message}`);
    }
    return result;
  };

/**
 * Writes that change what an entry's topics are, or end it: its topics are forgotten, so that
 * ingest looks them up again instead of using them stale for five minutes.
 */
export const createTopicsInvalidationMiddleware = (strapi: Core.Strapi): DocumentMiddleware =>
  afterWrite(strapi, {
    actions: new Set(['update', 'publish', 'unpublish', 'discardDraft', 'delete']),
    concern: 'forgetting the topics of',
    effect: (uid, documentId) => pluginService(strapi, 'entryTopics').invalidate(uid, documentId),
  });

/** Deleting an entry (or one of its locales) deletes its variants. */
export const createVariantsCleanupMiddleware = (strapi: Core.Strapi): DocumentMiddleware =>
  afterWrite(strapi, {
    actions: new Set(['delete']),
    concern: 'removing the variants of deleted',
    effect: (uid, documentId, locale) => pluginService(strapi, 'variants').removeForEntry(uid, documentId, locale),
  });
