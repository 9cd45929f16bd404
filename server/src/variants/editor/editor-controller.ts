import type { Core } from '@strapi/strapi';
import { errors } from '@strapi/utils';
import type { Context } from 'koa';
import { z } from 'zod';
import { pluginService } from '../../shared/plugin-services';
import { parseOrThrow } from '../../shared/validation';
import type { ComponentsByUid } from '../override-schema';
import { editableFields } from './editable-fields';
import { editorPopulate, toOverrideForm } from './override-form';
import { mainFieldOf } from '../../content/entry-labels';
import { referenceLabels } from './reference-labels';

const editorQuery = z.strictObject({
  contentType: z.string().max(255),
  documentId: z.string().min(1).max(64),
  locale: z.string().min(2).max(35).optional(),
});

/**
 * `GET /personalization/variants/editor?contentType=&documentId=&locale=` (admin): what the
 * Content Manager's variant editor needs for one entry: the fields a variant may override, the
 * entry's own values in the same form (published if it has been published, else the draft), and
 * readable labels of every relation and media file the base or its variants point at.
 */
const editorController = ({ strapi }: { strapi: Core.Strapi }) => ({
  async show(ctx: Context) {
    const query = parseOrThrow(editorQuery, ctx.query);
    if (!pluginService(strapi, 'contentTypes').isEnabled(query.contentType)) {
      throw new errors.NotFoundError(`"${query.contentType}" is not a personalization-enabled content type`);
    }
    const variants = pluginService(strapi, 'variants');
    const shape = variants.shapeOf(query.contentType);
    const components = strapi.components as unknown as ComponentsByUid;
    const read = (status: 'published' | 'draft') =>
      strapi.documents(query.contentType as never).findOne({
        documentId: query.documentId,
        status,
        populate: editorPopulate(shape.attributes, components),
        ...(shape.localized && query.locale ? { locale: query.locale } : {}),
      } as never) as Promise<Record<string, unknown> | null>;
    const published = await read('published');
    const entry = published ?? (await read('draft'));
    if (!entry) throw new errors.NotFoundError(`no ${query.contentType} entry ${query.documentId}`);

    const fields = editableFields(shape.attributes);
    const base = toOverrideForm(entry, shape.attributes, components);
    const entryVariants = await variants.list({ contentType: query.contentType, documentId: query.documentId, locale: query.locale });
    const targets = [...new Set(fields.flatMap((field) => (field.kind === 'relation' ? [field.target!] : [])))];
    const mainFields = await Promise.all(targets.map((target) => mainFieldOf(strapi, target)));
    ctx.body = {
      data: {
        contentType: query.contentType,
        localized: shape.localized,
        baseStatus: published ? 'published' : 'draft',
        fields,
        base,
        /** The field to show and search relation targets by, per target type. */
        mainFields: Object.fromEntries(targets.map((target, i) => [target, mainFields[i]])),
        labels: await referenceLabels(strapi, fields, [base, ...entryVariants.map((variant) => variant.fields)]),
      },
    };
  },
});

export default editorController;
