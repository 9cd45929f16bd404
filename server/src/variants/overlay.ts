/**
 * Applies a variant's overrides to one entry as the Document Service returned it. Pure.
 *
 * Only fields present in the entry change: a field left out by `fields=` or a component, relation
 * or media that was not populated stays out, so `fields` and `populate` behave exactly as without
 * the plugin. Components and dynamic zones are replaced whole; as their data carries no ids, each
 * item takes the base entry's id at the same position (GraphQL needs one), else a negative
 * placeholder. Relations and media arrive already loaded (`loaded`), in the shape the query asked for.
 */
export interface OverlayContext {
  /** Fields that hold components or dynamic zones. */
  componentFields: ReadonlySet<string>;
  /** Relation and media fields, loaded for this entry. */
  loaded?: Record<string, unknown>;
}

const isObject = (value: unknown): value is Record<string, unknown> =>
  typeof value === 'object' && value !== null && !Array.isArray(value);

const idAt = (base: unknown, index: number): unknown => {
  const item = Array.isArray(base) ? base[index] : base;
  return isObject(item) && item.id !== undefined ? item.id : -(index + 1);
};

/** A component, repeatable component or dynamic zone value with ids: the base's at each position, else placeholders. */
export const withComponentIds = (value: unknown, base: unknown): unknown => {
  if (Array.isArray(value)) return value.map((item, index) => (isObject(item) ? { id: idAt(base, index), ...item } : item));
  if (isObject(value)) return { id: idAt(base, 0), ...value };
  return value;
};

/** The overridden fields the entry carries: those overlay changes, and those that go into the answer. */
export const overridesIn = (entry: Record<string, unknown>, fields: Record<string, unknown>): string[] =>
  Object.keys(fields).filter((name) => name in entry);

export const overlay = (
  entry: Record<string, unknown>,
  fields: Record<string, unknown>,
  { componentFields, loaded = {} }: OverlayContext
): Record<string, unknown> => {
  for (const name of overridesIn(entry, fields)) {
    if (name in loaded) entry[name] = loaded[name];
    else entry[name] = componentFields.has(name) ? withComponentIds(fields[name], entry[name]) : fields[name];
  }
  return entry;
};
