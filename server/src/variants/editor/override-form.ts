import { isToManyRelation, NOT_OVERRIDABLE, NOT_OVERRIDABLE_TYPES, type Attributes, type ComponentsByUid } from '../override-schema';

/**
 * An entry as the Document Service returns it, turned into the values a variant would hold for
 * the same content (what `fields` of the variants API takes): relations as documentIds, media as
 * file ids, components without their ids and without the media and relations a variant cannot
 * override inside them. The variant editor starts from these base values. Pure.
 */

type Row = Record<string, unknown>;
const isRow = (value: unknown): value is Row => typeof value === 'object' && value !== null && !Array.isArray(value);

const componentData = (value: unknown, uid: string, components: ComponentsByUid, depth: number): unknown => {
  const component = components[uid];
  if (!isRow(value) || !component || depth > 5) return null;
  const data: Row = {};
  for (const [name, attribute] of Object.entries(component.attributes)) {
    if (name === 'id' || !(name in value)) continue;
    if (attribute.type === 'media' || attribute.type === 'relation') continue;
    data[name] = fieldValue(value[name], attribute, components, depth + 1);
  }
  return data;
};

const fieldValue = (value: unknown, attribute: Attributes[string], components: ComponentsByUid, depth: number): unknown => {
  switch (attribute.type) {
    case 'component':
      if (attribute.repeatable) return (Array.isArray(value) ? value : []).map((item) => componentData(item, attribute.component!, components, depth));
      return value == null ? null : componentData(value, attribute.component!, components, depth);
    case 'dynamiczone':
      return (Array.isArray(value) ? value : []).filter(isRow).map((item) => ({
        __component: item.__component,
        ...(componentData(item, String(item.__component), components, depth) as Row),
      }));
    case 'media':
      if (attribute.multiple) return (Array.isArray(value) ? value : []).filter(isRow).map((file) => file.id);
      return isRow(value) ? value.id : null;
    case 'relation':
      if (isToManyRelation(attribute)) return (Array.isArray(value) ? value : []).filter(isRow).map((row) => row.documentId);
      return isRow(value) ? value.documentId : null;
    default:
      return value ?? null;
  }
};

export const toOverrideForm = (entry: Row, attributes: Attributes, components: ComponentsByUid): Row => {
  const form: Row = {};
  for (const [name, attribute] of Object.entries(attributes)) {
    if (NOT_OVERRIDABLE.has(name) || NOT_OVERRIDABLE_TYPES.has(attribute.type) || !(name in entry)) continue;
    form[name] = fieldValue(entry[name], attribute, components, 0);
  }
  return form;
};

/**
 * What to populate to read an entry whole for the editor: relations and media of the entry, and
 * components and dynamic zones with their nested components (not their media or relations).
 */
export const editorPopulate = (attributes: Attributes, components: ComponentsByUid, depth = 0): Record<string, unknown> => {
  const populate: Record<string, unknown> = {};
  const nested = (uid: string) => {
    const inner = depth < 4 && components[uid] ? editorPopulate(components[uid].attributes, components, depth + 1) : {};
    return Object.keys(inner).length > 0 ? { populate: inner } : true;
  };
  for (const [name, attribute] of Object.entries(attributes)) {
    if (attribute.type === 'component') populate[name] = nested(attribute.component!);
    else if (attribute.type === 'dynamiczone') populate[name] = { on: Object.fromEntries((attribute.components ?? []).map((uid) => [uid, nested(uid)])) };
    else if (depth === 0 && (attribute.type === 'media' || attribute.type === 'relation') && !NOT_OVERRIDABLE.has(name)) populate[name] = true;
  }
  return populate;
};
