import type { Core } from '@strapi/strapi';
import { pluginService } from '../shared/plugin-services';
import { isToManyRelation, NOT_OVERRIDABLE, overrideKind, type AttributeLike } from './override-schema';
import { nestingOf, withComponentIds } from './overlay';
import type { RequestPersonalization } from './request-personalization';

/* Resolver arguments come from graphql-js and the GraphQL plugin, untyped from here. */
/* eslint-disable @typescript-eslint/no-explicit-any */

/** graphql-js's response path: response keys and list indexes, each with the type owning the field. */
export interface ResponsePath {
  prev: ResponsePath | undefined;
  key: string | number;
  typename?: string | undefined;
}

/**
 * The root field (its response key) that returned the object holding this field: straight from it,
 * in its list, or in the `nodes` of its connection. Null when the object was reached through a
 * field of an entry or component (a relation): such entries are served base, as REST serves
 * populated relations. Pure.
 */
export const rootFieldOf = (fieldPath: ResponsePath, isEntryType: (typeName: string) => boolean): string | null => {
  for (let segment = fieldPath.prev; segment; segment = segment.prev) {
    if (typeof segment.key === 'number') continue;
    if (!segment.prev) return segment.key;
    if (segment.typename && isEntryType(segment.typename)) return null;
  }
  return null;
};

type Resolve = (root: any, args: any, ctx: any, info: any) => unknown;

export interface EntryTypes {
  /** GraphQL object type name -> uid, for personalized content types. */
  personalized: ReadonlyMap<string, string>;
  /** GraphQL object type name -> uid, for components. */
  components: ReadonlyMap<string, string>;
  /** The object types of every content type and component. */
  isEntryType: (typeName: string) => boolean;
}

/**
 * Component objects made from a variant's data. The plugin's resolvers of a component's own
 * components, relations and media load them by the component's id, which here is the base item's
 * (or a placeholder): for these objects the variant's data is the value instead.
 */
const fromVariants = new WeakSet<object>();

const rememberVariantObjects = (value: unknown): unknown => {
  if (typeof value === 'object' && value !== null && !fromVariants.has(value)) {
    fromVariants.add(value);
    for (const nested of Object.values(value)) rememberVariantObjects(nested);
  }
  return value;
};

/** The fields of a component the plugin loads by the component's id (components hold no dynamic zones). */
const LOADED_BY_THE_PLUGIN = new Set(['component', 'relation', 'media']);

/** A field of a component made from a variant's data: what the variant has there, else empty. */
const componentFieldResolver = (name: string, attribute: AttributeLike) => {
  const empty = attribute.repeatable || attribute.multiple || isToManyRelation(attribute) ? [] : null;
  return (root: any, args: any, ctx: any, info: any, next: Resolve) => (fromVariants.has(root) ? (root[name] ?? empty) : next(root, args, ctx, info));
};

/**
 * The GraphQL side of resolution, as a nexus `onCreateFieldResolver`. Strapi's GraphQL plugin does
 * not serialize the document the Document Service returned: it resolves components, dynamic zones,
 * relations and media with resolvers of its own that load them again from the database by the
 * parent's id (and its reads never carry them, so the Document Service middleware cannot overlay
 * them). So every field of a personalized type's object type is wrapped: when the entry the field
 * belongs to got a variant overriding it (found in the request's state by root field, uid,
 * documentId and locale), the variant's value is answered in the shape the plugin's resolver gives,
 * and the variant is reported as served; otherwise the plugin's resolver runs. Components keep the
 * base ids at the same positions (the base is loaded for them) and their own nested components,
 * relations and media come from the variant's data; relations are the published targets in the
 * request's locale; media the file rows. `<relation>_connection` fields keep the base value.
 */
export const createEntryFieldResolver = (strapi: Core.Strapi, types: EntryTypes) => (config: { parentTypeConfig: { name: string }; fieldConfig: { name: string } }) => {
  const name = config.fieldConfig.name;
  const component = types.components.get(config.parentTypeConfig.name);
  if (component) {
    const attribute = (strapi.components[component as never] as unknown as { attributes: Record<string, AttributeLike> }).attributes[name];
    return attribute && LOADED_BY_THE_PLUGIN.has(attribute.type) ? componentFieldResolver(name, attribute) : undefined;
  }
  const uid = types.personalized.get(config.parentTypeConfig.name);
  if (!uid) return undefined;
  const variants = pluginService(strapi, 'variants');
  const { attributes, componentFields, localized, nesting } = variants.shapeOf(uid);
  const attribute = attributes[name];
  if (!attribute || NOT_OVERRIDABLE.has(name)) return undefined;
  const kind = componentFields.has(name) ? 'component' : overrideKind(attribute);

  // Not async: most fields of most entries go straight to the plugin's resolver.
  return (root: any, args: any, ctx: any, info: any, next: Resolve) => {
    const state = ctx?.state?.personalization as RequestPersonalization | undefined;
    const rootField = state && root?.documentId ? rootFieldOf(info.path, types.isEntryType) : null;
    const pick = rootField === null ? undefined : state!.pickFor({ rootField, uid, documentId: root.documentId, locale: localized ? root.locale : undefined });
    if (!pick || !(name in pick.variant.fields)) return next(root, args, ctx, info);

    state!.markServed(root.documentId, pick.variant.key);
    const value = pick.variant.fields[name];
    if (kind === 'value') return value;
    if (kind === 'component') {
      return Promise.resolve(next(root, args, ctx, info)).then((base) => rememberVariantObjects(withComponentIds(value, base, nestingOf(nesting, name))));
    }
    return pick.references(name).then((rows) => variants.referenceValue(uid, name, value, rows));
  };
};
