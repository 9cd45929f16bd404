import type { Core } from '@strapi/strapi';
import { errors } from '@strapi/utils';
import type { Context } from 'koa';
import { z } from 'zod';
import { pluginService } from '../shared/plugin-services';
import { parseOrThrow } from '../shared/validation';

const previewQuery = z.strictObject({
  contentType: z.string().max(255),
  documentId: z.string().min(1).max(64),
  locale: z.string().max(35).optional(),
  segment: z.string().max(64),
});

/**
 * `GET /personalization/preview?contentType=&documentId=&locale=&segment=` (admin): the published
 * entry as a member of the segment sees it, beside the base, for the Content Manager's "Preview as
 * segment". Scalar, rich text, JSON and component overrides are shown; relations and media as ids.
 */
const previewController = ({ strapi }: { strapi: Core.Strapi }) => ({
  async show(ctx: Context) {
    const query = parseOrThrow(previewQuery, ctx.query);
    if (!pluginService(strapi, 'contentTypes').isEnabled(query.contentType)) throw new errors.NotFoundError('not a personalization-enabled content type');
    const served = await pluginService(strapi, 'variants').personalizedEntry(query.contentType, query.documentId, [query.segment], query.locale);
    if (!served) throw new errors.NotFoundError('the entry is not published (drafts are never personalized)');
    ctx.body = {
      data: {
        segment: query.segment,
        variant: served.variant,
        changed: served.changed,
        base: served.base,
        personalized: served.personalized,
      },
    };
  },

  /**
   * `GET /api/personalization/preview/segments` (content API, a token allowed this action): the
   * segments a front-end's preview toolbar may offer, to read content with `?psn_segment=<slug>`.
   */
  async segments(ctx: Context) {
    const segments = await pluginService(strapi, 'segments').list();
    ctx.body = { data: segments.filter((segment) => segment.enabled).map(({ slug, name, description }) => ({ slug, name, description })) };
  },
});

export default previewController;
