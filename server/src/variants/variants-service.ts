import type { Core } from '@strapi/strapi';
import { errors } from '@strapi/utils';
import { pluginService } from '../shared/plugin-services';
import { validationError, zodIssues, type IssueLike } from '../shared/validation';
import { componentFieldsByModel, overlay, type ComponentFieldsByModel } from './overlay';
import { isToManyRelation, overrideKind, overrideSchema, type Attributes, type ComponentsByUid } from './override-schema';
import { personalizationSwitch } from './resolution-scope';
import { byVariantPriority, pickVariant, type LiveVariant } from './variant-selection';
import type { VariantCreate, VariantUpdate } from './variant-input';

export const VARIANT_UID = 'plugin::personalization.variant';
const FILE_UID = 'plugin::upload.file';
const CHANGED_CHANNEL = 'variants-changed';

export interface VariantRecord {
  id: number;
  documentId: string;
  contentType: string;
  entryDocumentId: string;
  locale: string | null;
  /** A segment variant has a segment; an experiment arm's variant has experiment and arm instead. */
  segment: string | null;
  experiment: string | null;
  arm: string | null;
  label: string | null;
  priority: number;
  enabled: boolean;
  disabledReason: string | null;
  fields: Record<string, unknown>;
  createdAt: string;
  updatedAt: string;
}

/** What resolution needs to know about a content type, derived once from its schema. */
export interface ContentTypeShape {
  uid: string;
  localized: boolean;
  attributes: Attributes;
  componentFields: Set<string>;
  /** For the ids of components nested in overridden ones. */
  nesting: { uid: string; byModel: ComponentFieldsByModel };
  overrides: ReturnType<typeof overrideSchema>;
}

/** The `fields` and `populate` a read asked for inside one relation (`populate[author][fields][0]=name`). */
const nestedPopulate = (populate: unknown, name: string): { fields?: unknown; populate?: unknown } => {
  const own = typeof populate === 'object' && populate !== null && !Array.isArray(populate) ? (populate as Record<string, unknown>)[name] : undefined;
  if (typeof own !== 'object' || own === null) return {};
  const { fields, populate: nested } = own as { fields?: unknown; populate?: unknown };
  return { ...(fields !== undefined ? { fields } : {}), ...(nested !== undefined ? { populate: nested } : {}) };
};

const entryKey = (documentId: string, locale: string | null | undefined) => `${documentId}|${locale ?? ''}`;
const armKey = (entry: string, experiment: string, arm: string) => `${entry}|${experiment}|${arm}`;

/** Live variants of one content type: by entry for segments, and by entry, experiment and arm. */
export interface VariantIndex {
  bySegment: Map<string, LiveVariant[]>;
  byArm: Map<string, LiveVariant>;
}

/**
 * Variants: stored in the plugin's own content type (no user schema is altered), validated against
 * the entry's content type, and kept in process per content type for resolution: one database
 * query the first time a type is resolved, none after, until a change (here or on another
 * instance, announced over pub/sub) drops that type's index.
 */
const variantsService = ({ strapi }: { strapi: Core.Strapi }) => {
  const query = () => strapi.db.query(VARIANT_UID as never);
  const shapes = new Map<string, ContentTypeShape>();
  let byModel: ComponentFieldsByModel | undefined;
  const indexes = new Map<string, Promise<VariantIndex>>();
  /** Ids of every enabled variant, for telling a click on a served variant from any string. */
  let liveKeys: Promise<Set<string>> | undefined;

  const shapeOf = (uid: string): ContentTypeShape => {
    let shape = shapes.get(uid);
    if (!shape) {
      const contentType = strapi.contentType(uid as never) as unknown as { attributes: Attributes; pluginOptions?: { i18n?: { localized?: boolean } } };
      const components = strapi.components as unknown as ComponentsByUid;
      shape = {
        uid,
        localized: contentType.pluginOptions?.i18n?.localized === true,
        attributes: contentType.attributes,
        componentFields: new Set(
          Object.entries(contentType.attributes)
            .filter(([, attribute]) => attribute.type === 'component' || attribute.type === 'dynamiczone')
            .map(([name]) => name)
        ),
        nesting: {
          uid,
          byModel: (byModel ??= componentFieldsByModel({ ...(strapi.contentTypes as unknown as ComponentsByUid), ...components })),
        },
        overrides: overrideSchema(contentType.attributes, components),
      };
      shapes.set(uid, shape);
    }
    return shape;
  };

  const invalidate = async (uid?: string, announce = true) => {
    if (uid) indexes.delete(uid);
    else indexes.clear();
    liveKeys = undefined;
    if (announce) await pluginService(strapi, 'changes').announce(CHANGED_CHANNEL, uid ?? '*');
  };

  const findOrThrow = async (documentId: string) => {
    const variant = (await query().findOne({ where: { documentId } })) as VariantRecord | null;
    if (!variant) throw new errors.NotFoundError('no variant with this id');
    return variant;
  };

  /** The existence checks the schema cannot make: entry, segment, relation targets, media files. */
  const checkReferences = async (input: {
    contentType: string;
    documentId: string;
    locale: string | null;
    segment?: string | null;
    experiment?: string | null;
    arm?: string | null;
    fields: Record<string, unknown>;
  }) => {
    const issues: IssueLike[] = [];
    const shape = shapeOf(input.contentType);
    const entry = await strapi.db
      .query(input.contentType as never)
      .findOne({ where: { documentId: input.documentId, ...(shape.localized ? { locale: input.locale } : {}) }, select: ['id'] });
    if (!entry) {
      issues.push({
        path: ['documentId'],
        message: `no ${input.contentType} entry ${input.documentId}${shape.localized ? ` in locale ${input.locale}` : ''}`,
      });
    }
    if (input.segment && !(await pluginService(strapi, 'segments').findBySlug(input.segment))) {
      issues.push({ path: ['segment'], message: `unknown segment "${input.segment}"` });
    }
    if (input.experiment) {
      const experiment = await pluginService(strapi, 'experiments').findByKey(input.experiment);
      if (!experiment) {
        issues.push({ path: ['experiment'], message: `unknown experiment "${input.experiment}"` });
      } else if (
        experiment.targetKind !== 'entry' ||
        experiment.contentType !== input.contentType ||
        experiment.entryDocumentId !== input.documentId ||
        (experiment.locale ?? null) !== input.locale
      ) {
        issues.push({ path: ['experiment'], message: `experiment "${input.experiment}" does not test this entry` });
      } else if (!experiment.arms.some((arm) => arm.key === input.arm) || input.arm === 'control') {
        issues.push({ path: ['arm'], message: `experiment "${input.experiment}" has no arm "${input.arm}" to vary (control is the base entry)` });
      }
    }
    for (const [name, value] of Object.entries(input.fields)) {
      const attribute = shape.attributes[name];
      const kind = attribute && overrideKind(attribute);
      const ids = value === null ? [] : Array.isArray(value) ? value : [value];
      if (kind === 'relation' && ids.length > 0) {
        const found = await strapi.db.query(attribute.target as never).findMany({ where: { documentId: { $in: ids } }, select: ['documentId'] });
        const known = new Set((found as { documentId: string }[]).map((row) => row.documentId));
        const missing = (ids as string[]).filter((id) => !known.has(id));
        if (missing.length > 0) issues.push({ path: ['fields', name], message: `no ${attribute.target} entry ${missing.join(', ')}` });
      }
      if (kind === 'media' && ids.length > 0) {
        const found = await strapi.db.query(FILE_UID).findMany({ where: { id: { $in: ids } }, select: ['id'] });
        const known = new Set((found as { id: number }[]).map((row) => row.id));
        const missing = (ids as number[]).filter((id) => !known.has(id));
        if (missing.length > 0) issues.push({ path: ['fields', name], message: `no media file ${missing.join(', ')}` });
      }
    }
    if (issues.length > 0) throw validationError(issues);
  };

  const checkFields = (contentType: string, fields: unknown) => {
    const parsed = shapeOf(contentType).overrides.safeParse(fields);
    if (!parsed.success) throw validationError(zodIssues(parsed.error).map((issue) => ({ ...issue, path: ['fields', ...issue.path] })));
  };

  const checkTarget = (contentType: string, locale: string | null | undefined) => {
    if (!pluginService(strapi, 'contentTypes').isEnabled(contentType)) {
      throw validationError([{ path: ['contentType'], message: `"${contentType}" is not a personalization-enabled content type` }]);
    }
    const { localized } = shapeOf(contentType);
    if (localized && !locale) throw validationError([{ path: ['locale'], message: `"${contentType}" is localized: give the locale` }]);
    if (!localized && locale) throw validationError([{ path: ['locale'], message: `"${contentType}" is not localized: leave the locale out` }]);
  };

  return {
    async start() {
      await pluginService(strapi, 'changes').watch(CHANGED_CHANNEL, (uid) => void invalidate(uid === '*' ? undefined : uid, false));
    },

    shapeOf,

    /** Live variants of a content type by entry and locale, highest priority first (cached). */
    async index(uid: string): Promise<VariantIndex> {
      let index = indexes.get(uid);
      if (!index) {
        index = (async () => {
          const rows = (await query().findMany({ where: { contentType: uid, enabled: true } })) as VariantRecord[];
          const bySegment = new Map<string, (LiveVariant & { createdAt: string })[]>();
          const byArm = new Map<string, LiveVariant>();
          for (const row of rows) {
            const key = entryKey(row.entryDocumentId, row.locale);
            const live = { key: row.documentId, segment: row.segment ?? '', priority: row.priority, fields: row.fields, createdAt: row.createdAt };
            if (row.experiment && row.arm) byArm.set(armKey(key, row.experiment, row.arm), live);
            else if (row.segment) bySegment.set(key, [...(bySegment.get(key) ?? []), live]);
          }
          for (const list of bySegment.values()) list.sort(byVariantPriority);
          return { bySegment: bySegment as Map<string, LiveVariant[]>, byArm };
        })();
        indexes.set(uid, index);
        index.catch(() => indexes.delete(uid));
      }
      return index;
    },

    armKey,
    entryKey,

    /**
     * A published entry as a visitor in these segments (priority order) is served it: the base, the
     * variant picked, and the overlay. Scalar, rich text, JSON and component overrides; relations and
     * media as ids. Null when the entry is not published. For previews and e-mail modules, outside
     * a content request (experiments' arms are not applied here).
     */
    async personalizedEntry(uid: string, documentId: string, segments: readonly string[], locale?: string) {
      const shape = shapeOf(uid);
      const base = (await strapi.documents(uid as never).findOne({
        documentId,
        status: 'published',
        populate: [...shape.componentFields] as never,
        ...(shape.localized && locale ? { locale } : {}),
      } as never)) as Record<string, unknown> | null;
      if (!base) return null;
      const index = await this.index(uid);
      const variant = pickVariant(index.bySegment.get(entryKey(documentId, shape.localized ? (base.locale as string) : undefined)), [...segments]);
      const personalized = variant ? overlay(structuredClone(base), variant.fields, { componentFields: shape.componentFields, nesting: shape.nesting }) : base;
      return { base, variant: variant?.key ?? null, changed: variant ? Object.keys(variant.fields) : [], personalized };
    },

    /** Whether `key` is the id of an enabled variant (cached until the next change of variants). */
    async isLive(key: string): Promise<boolean> {
      liveKeys ??= query()
        .findMany({ where: { enabled: true }, select: ['documentId'] })
        .then((rows) => new Set((rows as { documentId: string }[]).map((row) => row.documentId)));
      liveKeys.catch(() => (liveKeys = undefined));
      return (await liveKeys).has(key);
    },

    async list(filter: { contentType?: string; documentId?: string; locale?: string }): Promise<VariantRecord[]> {
      const where: Record<string, unknown> = {};
      if (filter.contentType) where.contentType = filter.contentType;
      if (filter.documentId) where.entryDocumentId = filter.documentId;
      if (filter.locale) where.locale = filter.locale;
      return (await query().findMany({ where, orderBy: [{ priority: 'desc' }, { createdAt: 'asc' }] })) as VariantRecord[];
    },

    find: findOrThrow,

    async create(input: VariantCreate): Promise<VariantRecord> {
      const locale = input.locale ?? null;
      checkTarget(input.contentType, locale);
      checkFields(input.contentType, input.fields);
      await checkReferences({ ...input, locale });
      const created = (await query().create({
        data: {
          contentType: input.contentType,
          entryDocumentId: input.documentId,
          locale,
          segment: input.segment ?? null,
          experiment: input.experiment ?? null,
          arm: input.arm ?? null,
          label: input.label ?? null,
          priority: input.priority,
          enabled: input.enabled,
          fields: input.fields,
        },
      })) as VariantRecord;
      await invalidate(input.contentType);
      return created;
    },

    async update(documentId: string, input: VariantUpdate): Promise<VariantRecord> {
      const variant = await findOrThrow(documentId);
      const next = { ...variant, ...input, fields: input.fields ?? variant.fields };
      if (input.fields) checkFields(variant.contentType, input.fields);
      await checkReferences({
        contentType: variant.contentType,
        documentId: variant.entryDocumentId,
        locale: variant.locale,
        segment: next.segment,
        experiment: variant.experiment,
        arm: variant.arm,
        fields: next.fields,
      });
      const data: Record<string, unknown> = { ...input };
      // Enabling a variant again clears why it was disabled.
      if (input.enabled === true) data.disabledReason = null;
      const updated = (await query().update({ where: { id: variant.id }, data })) as VariantRecord;
      await invalidate(variant.contentType);
      return updated;
    },

    async remove(documentId: string): Promise<VariantRecord> {
      const variant = await findOrThrow(documentId);
      await query().delete({ where: { id: variant.id } });
      await invalidate(variant.contentType);
      return variant;
    },

    /** An experiment's winning arm becomes a normal variant of a segment. */
    async promoteToSegment(documentId: string, segment: string): Promise<VariantRecord> {
      const variant = await findOrThrow(documentId);
      const updated = (await query().update({ where: { id: variant.id }, data: { segment, experiment: null, arm: null, enabled: true } })) as VariantRecord;
      await invalidate(variant.contentType);
      return updated;
    },

    /** An experiment's winning arm becomes the entry itself (published); the variant is disabled. */
    async promoteToBase(documentId: string): Promise<void> {
      const variant = await findOrThrow(documentId);
      const documents = strapi.documents(variant.contentType as never);
      const locale = variant.locale ? { locale: variant.locale } : {};
      await documents.update({ documentId: variant.entryDocumentId, ...locale, data: variant.fields } as never);
      if (strapi.contentType(variant.contentType as never)?.options?.draftAndPublish) {
        await documents.publish({ documentId: variant.entryDocumentId, ...locale } as never);
      }
      await query().update({ where: { id: variant.id }, data: { enabled: false, disabledReason: 'promoted to the base entry' } });
      await invalidate(variant.contentType);
    },

    /** Deleting an entry (or one locale of it) deletes its variants. */
    async removeForEntry(uid: string, documentId: string, locale?: string): Promise<number> {
      const where: Record<string, unknown> = { contentType: uid, entryDocumentId: documentId };
      if (locale && locale !== '*') where.locale = locale;
      const { count } = (await query().deleteMany({ where })) as { count: number };
      if (count > 0) await invalidate(uid);
      return count;
    },

    /** Deleting a segment disables (not deletes) its variants, and says why. */
    async disableForSegment(slug: string): Promise<number> {
      const { count } = (await query().updateMany({
        where: { segment: slug, enabled: true },
        data: { enabled: false, disabledReason: `segment "${slug}" was deleted` },
      })) as { count: number };
      if (count > 0) await invalidate();
      return count;
    },

    /**
     * Loads the targets of one relation or media field of the picked variants: one query, the
     * published entries in the request's locale (or the file rows), as `populate=<field>` returns
     * them, with the field's own `fields` and `populate` when the read gave some. Filters, sort and
     * pagination of a to-many populate do not apply to a variant's list. The targets are served as
     * populated relations are, without variants of their own.
     */
    async loadReferences(
      uid: string,
      name: string,
      picks: { fields: Record<string, unknown> }[],
      { locale, populate }: { locale?: string; populate?: unknown } = {}
    ): Promise<Map<string, unknown>> {
      const attribute = shapeOf(uid).attributes[name];
      const ids = [...new Set(picks.flatMap(({ fields }) => (fields[name] === undefined || fields[name] === null ? [] : [fields[name]].flat())))];
      const rows = new Map<string, unknown>();
      if (ids.length === 0) return rows;
      if (attribute.type === 'media') {
        for (const row of (await strapi.db.query(FILE_UID).findMany({ where: { id: { $in: ids } } })) as { id: number }[]) rows.set(String(row.id), row);
        return rows;
      }
      const target = attribute.target!;
      const found = await personalizationSwitch.run(false, () =>
        strapi.documents(target as never).findMany({
          filters: { documentId: { $in: ids } },
          status: 'published',
          ...(locale && shapeOf(target).localized ? { locale } : {}),
          ...nestedPopulate(populate, name),
        } as never)
      );
      for (const row of found as { documentId: string }[]) rows.set(row.documentId, row);
      return rows;
    },

    /** The value of a relation or media override, from the rows `loadReferences` loaded for its field. */
    referenceValue(uid: string, name: string, value: unknown, rows: Map<string, unknown>): unknown {
      const attribute = shapeOf(uid).attributes[name];
      if (value === null) return null;
      if (Array.isArray(value)) return value.map((id) => rows.get(String(id))).filter((row) => row !== undefined);
      const single = rows.get(String(value)) ?? null;
      return attribute.type === 'relation' && isToManyRelation(attribute) ? [single].filter(Boolean) : single;
    },
  };
};

export type VariantsService = ReturnType<typeof variantsService>;
export default variantsService;
