import type { Core } from '@strapi/strapi';
import type { Context } from 'koa';
import { pluginService } from '../shared/plugin-services';
import { parseOrThrow } from '../shared/validation';
import { variantCreateSchema, variantListQuery, variantUpdateSchema } from './variant-input';
import type { VariantRecord } from './variants-service';

const body = (ctx: Context): unknown => (ctx.request as { body?: unknown }).body ?? {};

/** The API shape: `documentId` is the entry's; the variant's own id is `id` (its documentId). */
const present = (variant: VariantRecord) => {
  const { documentId, entryDocumentId, id: _rowId, publishedAt: _publishedAt, ...rest } = variant as VariantRecord & { publishedAt?: unknown };
  return { id: documentId, ...rest, documentId: entryDocumentId, live: variant.enabled };
};

/** Admin API of variants (`/personalization/variants`), guarded by `plugin::personalization.variants.*`. */
const variantsController = ({ strapi }: { strapi: Core.Strapi }) => {
  const variants = () => pluginService(strapi, 'variants');
  return {
    async list(ctx: Context) {
      const filter = parseOrThrow(variantListQuery, ctx.query);
      ctx.body = { data: (await variants().list(filter)).map(present) };
    },
    async find(ctx: Context) {
      ctx.body = { data: present(await variants().find(ctx.params.id)) };
    },
    async create(ctx: Context) {
      const created = await variants().create(parseOrThrow(variantCreateSchema, body(ctx)));
      ctx.status = 201;
      ctx.body = { data: present(created) };
    },
    async update(ctx: Context) {
      ctx.body = { data: present(await variants().update(ctx.params.id, parseOrThrow(variantUpdateSchema, body(ctx)))) };
    },
    async remove(ctx: Context) {
      ctx.body = { data: present(await variants().remove(ctx.params.id)) };
    },
  };
};

export default variantsController;
