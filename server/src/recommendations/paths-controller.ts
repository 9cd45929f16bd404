import type { Core } from '@strapi/strapi';
import { errors } from '@strapi/utils';
import type { Context } from 'koa';
import { z } from 'zod';
import { entryLabels } from '../content/entry-labels';
import { pluginService } from '../shared/plugin-services';
import { parseOrThrow } from '../shared/validation';
import { parseItemKey } from './item-ref';

const pathsQuery = z
  .strictObject({
    contentType: z.string().min(1).max(255).optional(),
    documentId: z.string().regex(/^[A-Za-z0-9_-]{1,64}$/, 'expected a documentId').optional(),
    /** A page's name (as page views name it): page paths from it. */
    page: z.string().max(200).optional(),
  })
  .refine((query) => query.contentType === undefined || query.page === undefined, {
    error: 'give contentType (paths between entries) or page (paths from a page), not both',
    path: ['page'],
  })
  .refine((query) => query.contentType !== undefined || query.documentId === undefined, {
    error: 'documentId needs its contentType',
    path: ['documentId'],
  });

/**
 * `GET /personalization/paths?contentType=<uid>[&documentId=]` (admin, analytics.read): where
 * visitors went next from an entry, two steps deep, each step with its share of the steps from the
 * entry before it (`next-steps.ts`), named as the Content Manager names entries; and the type's most
 * engaged-with entries to start from.
 *
 * `GET /personalization/paths[?page=<name>]`: where visitors went next from a named page (a page or
 * an event, `page-paths.ts`), two steps deep (a next page's own next steps), and the pages with the
 * most transitions to start from.
 */
const pathsController = ({ strapi }: { strapi: Core.Strapi }) => ({
  async show(ctx: Context) {
    const query = parseOrThrow(pathsQuery, ctx.query);
    if (query.contentType === undefined) {
      const page = query.page ? query.page : null;
      const { starts, steps } = await pluginService(strapi, 'recommendations').pagePaths(page);
      ctx.body = { data: { kind: 'pages', from: page, starts, steps } };
      return;
    }
    const uid = pluginService(strapi, 'contentTypes').resolveUid(query.contentType);
    if (!uid || strapi.contentType(uid as never)?.kind !== 'collectionType') {
      throw new errors.ValidationError(`contentType: "${query.contentType.slice(0, 100)}" is not a personalized collection type`);
    }
    const { starts, steps } = await pluginService(strapi, 'recommendations').paths(uid, query.documentId ?? null, Math.floor(Date.now() / 1000));
    const idOf = (item: string) => parseItemKey(item)?.documentId ?? item;
    const ids = new Set([...starts, ...steps.flatMap((step) => [step.item, ...step.next.map((next) => next.item)])].map(idOf));
    if (query.documentId) ids.add(query.documentId);
    const labels = await entryLabels(strapi, uid, [...ids]);
    const entry = (item: string) => ({ documentId: idOf(item), label: labels[idOf(item)] ?? idOf(item) });
    ctx.body = {
      data: {
        kind: 'entries',
        contentType: uid,
        from: query.documentId ? { documentId: query.documentId, label: labels[query.documentId] ?? query.documentId } : null,
        starts: starts.map(entry),
        steps: steps.map((step) => ({ ...entry(step.item), share: step.score, next: step.next.map((next) => ({ ...entry(next.item), share: next.score })) })),
      },
    };
  },
});

export default pathsController;
