import type { Core } from '@strapi/strapi';
import { errors } from '@strapi/utils';
import type { Context } from 'koa';
import { z } from 'zod';
import { pluginService } from '../shared/plugin-services';
import { parseOrThrow } from '../shared/validation';
import { overlay } from './overlay';
import { pickVariant } from './variant-selection';

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
    const variants = pluginService(strapi, 'variants');
    const shape = variants.shapeOf(query.contentType);
    const base = (await strapi.documents(query.contentType as never).findOne({
      documentId: query.documentId,
      status: 'published',
      populate: [...shape.componentFields] as never,
      ...(shape.localized && query.locale ? { locale: query.locale } : {}),
    } as never)) as Record<string, unknown> | null;
    if (!base) throw new errors.NotFoundError('the entry is not published (drafts are never personalized)');
    const index = await variants.index(query.contentType);
    const variant = pickVariant(index.bySegment.get(variants.entryKey(query.documentId, shape.localized ? (base.locale as string) : undefined)), [query.segment]);
    const personalized = variant ? overlay(structuredClone(base), variant.fields, { componentFields: shape.componentFields, nesting: shape.nesting }) : base;
    ctx.body = {
      data: {
        segment: query.segment,
        variant: variant?.key ?? null,
        changed: variant ? Object.keys(variant.fields) : [],
        base,
        personalized,
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
