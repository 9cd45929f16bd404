import type { Core } from '@strapi/strapi';
import { pluginService } from '../shared/plugin-services';

/** Writes that change what an entry's topics are, or end it. */
const CHANGES = new Set(['update', 'publish', 'unpublish', 'discardDraft', 'delete']);

interface DocumentContext {
  uid: string;
  action: string;
  params: { documentId?: string; locale?: string };
}

/**
 * What follows a write to a personalized entry, after the write itself: its topics are forgotten
 * (ingest looks them up again, instead of using them stale for five minutes), and deleting the
 * entry (or one of its locales) deletes its variants. These run once the write has succeeded and
 * are caught and logged: a clean-up that fails never turns a successful delete into an error, as
 * Strapi's content-releases plugin handles the side effects of its own document middleware.
 */
export const createEntryLifecycleMiddleware = (strapi: Core.Strapi) => async (context: DocumentContext, next: () => Promise<unknown>) => {
  if (!CHANGES.has(context.action) || !pluginService(strapi, 'contentTypes').isEnabled(context.uid)) return next();
  const result = await next();
  const { documentId, locale } = context.params;
  if (!documentId) return result;
  pluginService(strapi, 'entryTopics').invalidate(context.uid, documentId);
  if (context.action === 'delete') {
    await pluginService(strapi, 'variants')
      .removeForEntry(context.uid, documentId, locale)
      .catch((error: Error) => strapi.log.error(`[personalization] variants of deleted ${context.uid} ${documentId} not removed: ${error.message}`));
  }
  return result;
};
