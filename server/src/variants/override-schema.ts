import { z } from 'zod';
import { checkJsonLimits } from '../ingest/json-limits';

/**
 * The zod schema of a variant's `fields` for one content type, built from its Strapi schema: only
 * the type's own attributes, each with the type Strapi stores. Pure: it takes the attribute
 * definitions and the components, not Strapi.
 */

export interface AttributeLike {
  type: string;
  required?: boolean;
  enum?: string[];
  min?: number;
  max?: number;
  minLength?: number;
  maxLength?: number;
  multiple?: boolean;
  relation?: string;
  target?: string;
  component?: string;
  repeatable?: boolean;
  components?: string[];
  private?: boolean;
}

export type Attributes = Record<string, AttributeLike>;
export type ComponentsByUid = Record<string, { attributes: Attributes }>;

/** Fields Strapi owns, and kinds that make no sense per visitor; a variant cannot override them. */
export const NOT_OVERRIDABLE = new Set([
  'id',
  'documentId',
  'createdAt',
  'updatedAt',
  'publishedAt',
  'createdBy',
  'updatedBy',
  'locale',
  'localizations',
]);
export const NOT_OVERRIDABLE_TYPES = new Set(['uid', 'password']);

/** What the resolver must load for an override: a relation (documentIds) or media (file ids). */
export type OverrideKind = 'value' | 'relation' | 'media';

export const overrideKind = (attribute: AttributeLike): OverrideKind =>
  attribute.type === 'relation' ? 'relation' : attribute.type === 'media' ? 'media' : 'value';

export const isToManyRelation = (attribute: AttributeLike) => /Many$/.test(attribute.relation ?? '');

const jsonValue = z.unknown().superRefine((value, ctx) => {
  for (const issue of checkJsonLimits(value, [], 1)) ctx.addIssue({ code: 'custom', path: issue.path, message: issue.message });
});

const blocks = z.array(
  z.looseObject({ type: z.string({ error: 'expected a block with a "type"' }) }),
  { error: 'expected rich text blocks (a list)' }
);

const DATE = /^\d{4}-\d{2}-\d{2}$/;
const TIME = /^\d{2}:\d{2}(:\d{2}(\.\d{1,3})?)?$/;

const scalarSchema = (attribute: AttributeLike): z.ZodType | null => {
  switch (attribute.type) {
    case 'string':
    case 'text':
    case 'richtext':
    case 'email': {
      let schema = z.string({ error: 'expected text' });
      if (attribute.maxLength !== undefined) schema = schema.max(attribute.maxLength, `longer than ${attribute.maxLength} characters`);
      if (attribute.minLength !== undefined) schema = schema.min(attribute.minLength, `shorter than ${attribute.minLength} characters`);
      return attribute.type === 'email' ? schema.email('expected an email address') : schema;
    }
    case 'enumeration':
      return z.enum((attribute.enum ?? []) as [string, ...string[]], {
        error: (issue) => `expected one of ${(attribute.enum ?? []).join(', ')}; got ${JSON.stringify(issue.input)}`,
      });
    case 'integer':
    case 'float':
    case 'decimal': {
      let schema = z.number({ error: 'expected a number' });
      if (attribute.type === 'integer') schema = schema.int('expected a whole number');
      if (attribute.min !== undefined) schema = schema.min(attribute.min, `below the minimum ${attribute.min}`);
      if (attribute.max !== undefined) schema = schema.max(attribute.max, `above the maximum ${attribute.max}`);
      return schema;
    }
    case 'biginteger':
      return z.union([z.string().regex(/^-?\d+$/), z.number().int()], { error: 'expected a whole number' });
    case 'boolean':
      return z.boolean({ error: 'expected true or false' });
    case 'date':
      return z.string({ error: 'expected a date YYYY-MM-DD' }).regex(DATE, 'expected a date YYYY-MM-DD');
    case 'datetime':
      return z.iso.datetime({ offset: true, error: 'expected an ISO-8601 date-time' });
    case 'time':
      return z.string({ error: 'expected a time HH:mm[:ss]' }).regex(TIME, 'expected a time HH:mm[:ss]');
    case 'json':
      return jsonValue;
    case 'blocks':
      return blocks;
    default:
      return null;
  }
};

const nullableUnlessRequired = (schema: z.ZodType, attribute: AttributeLike) =>
  attribute.required ? schema : schema.nullable();

/** A component's data: its own fields only; media and relations inside components are not supported. */
const componentSchema = (uid: string, components: ComponentsByUid, depth: number): z.ZodType => {
  const component = components[uid];
  if (!component) return z.never({ error: `unknown component ${uid}` });
  const shape: Record<string, z.ZodType> = {};
  for (const [name, attribute] of Object.entries(component.attributes)) {
    if (name === 'id') continue;
    const schema = attributeSchema(attribute, components, depth + 1, true);
    if (schema) shape[name] = schema.optional();
  }
  return z.strictObject(shape);
};

/** zod's message, with unknown keys named. */
const messageOf = (issue: z.core.$ZodIssue) =>
  issue.code === 'unrecognized_keys' ? `unknown field${issue.keys.length > 1 ? 's' : ''} ${issue.keys.map((key) => `"${key}"`).join(', ')}` : issue.message;

const attributeSchema = (attribute: AttributeLike, components: ComponentsByUid, depth: number, inComponent: boolean): z.ZodType | null => {
  if (depth > 5) return null;
  if (attribute.type === 'component') {
    const single = componentSchema(attribute.component!, components, depth);
    return attribute.repeatable ? z.array(single, { error: 'expected a list of components' }) : nullableUnlessRequired(single, attribute);
  }
  if (attribute.type === 'dynamiczone') {
    const allowed = attribute.components ?? [];
    return z.array(
      z.looseObject({ __component: z.string() }).superRefine((item, ctx) => {
        const uid = item.__component;
        if (!allowed.includes(uid)) {
          ctx.addIssue({ code: 'custom', path: ['__component'], message: `expected one of ${allowed.join(', ')}` });
          return;
        }
        const { __component: _, ...data } = item;
        const parsed = componentSchema(uid, components, depth).safeParse(data);
        if (!parsed.success) {
          for (const issue of parsed.error.issues) ctx.addIssue({ code: 'custom', path: issue.path as (string | number)[], message: messageOf(issue) });
        }
      }),
      { error: 'expected a list of components with __component' }
    );
  }
  if (attribute.type === 'relation' || attribute.type === 'media') {
    if (inComponent) return z.never({ error: 'media and relations inside a component cannot be overridden' });
    if (attribute.type === 'media') {
      const id = z.number({ error: 'expected a media file id' }).int().positive();
      return attribute.multiple ? z.array(id, { error: 'expected a list of media file ids' }) : nullableUnlessRequired(id, attribute);
    }
    const documentId = z.string({ error: 'expected a documentId' }).min(1).max(64);
    return isToManyRelation(attribute)
      ? z.array(documentId, { error: 'expected a list of documentIds' })
      : nullableUnlessRequired(documentId, attribute);
  }
  const scalar = scalarSchema(attribute);
  return scalar ? nullableUnlessRequired(scalar, attribute) : null;
};

/**
 * The schema of `fields` for a content type: each overridable attribute optional, anything else
 * refused with "unknown field" (or why it cannot be overridden).
 */
export const overrideSchema = (attributes: Attributes, components: ComponentsByUid) => {
  const shape: Record<string, z.ZodType> = {};
  const refused: Record<string, string> = {};
  for (const [name, attribute] of Object.entries(attributes)) {
    if (NOT_OVERRIDABLE.has(name)) {
      refused[name] = `"${name}" is managed by Strapi and cannot be overridden`;
      continue;
    }
    if (NOT_OVERRIDABLE_TYPES.has(attribute.type)) {
      refused[name] = `"${name}" (${attribute.type}) cannot be overridden`;
      continue;
    }
    const schema = attributeSchema(attribute, components, 0, false);
    if (schema) shape[name] = schema.optional();
  }
  return z
    .record(z.string(), z.unknown(), { error: 'expected an object of field overrides' })
    .superRefine((fields, ctx) => {
      if (Object.keys(fields).length === 0) ctx.addIssue({ code: 'custom', path: [], message: 'expected at least one field to override' });
      for (const [name, value] of Object.entries(fields)) {
        if (refused[name]) {
          ctx.addIssue({ code: 'custom', path: [name], message: refused[name] });
          continue;
        }
        const schema = shape[name];
        if (!schema) {
          ctx.addIssue({ code: 'custom', path: [name], message: `unknown field "${name}" for this content type` });
          continue;
        }
        const parsed = schema.safeParse(value);
        if (!parsed.success) {
          for (const issue of parsed.error.issues) {
            ctx.addIssue({ code: 'custom', path: [name, ...(issue.path as (string | number)[])], message: messageOf(issue) });
          }
        }
      }
    });
};
