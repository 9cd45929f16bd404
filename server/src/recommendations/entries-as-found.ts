import type { Core } from '@strapi/strapi';
import type { Context } from 'koa';

/** What the type's own `find` returns. */
interface FindAnswer {
  data: { documentId?: string }[];
  meta?: Record<string, unknown>;
}

/**
 * Published entries of `uid` by documentId, answered exactly as the type's own `find` answers them
 * (`GET /api/<plural>`), in the order given. Going through the type's controller rather than the
 * Document Service means a customised controller, the caller's query validation and sanitization
 * (populate, fields, locale, private fields) and the plugin's own variant resolution all apply as
 * they would to a normal list; only published entries, and only these ones, can come back.
 */
export const findEntriesAsFound = async (
  strapi: Core.Strapi,
  ctx: Context,
  uid: string,
  documentIds: readonly string[],
  query: { populate?: unknown; fields?: unknown; locale?: unknown }
): Promise<Record<string, unknown>[]> => {
  if (documentIds.length === 0) return [];
  const callerQuery = ctx.query;
  ctx.query = {
    ...(query.populate !== undefined ? { populate: query.populate } : {}),
    ...(query.fields !== undefined ? { fields: query.fields } : {}),
    ...(query.locale !== undefined ? { locale: query.locale } : {}),
    filters: { documentId: { $in: [...documentIds] } },
    pagination: { page: 1, pageSize: documentIds.length, withCount: false },
    status: 'published',
  } as unknown as Context['query'];
  try {
    const controller = strapi.controller(uid as never) as unknown as { find(ctx: Context): Promise<FindAnswer> };
    const answer = await controller.find(ctx);
    const byId = new Map(answer.data.map((entry) => [entry.documentId, entry as Record<string, unknown>]));
    return documentIds.flatMap((documentId) => {
      const entry = byId.get(documentId);
      return entry ? [entry] : [];
    });
  } finally {
    ctx.query = callerQuery;
  }
};
