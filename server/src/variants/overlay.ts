/**
 * Applies a variant's overrides to one entry as the Document Service returned it. Pure.
 *
 * Only fields present in the entry change: a field left out by `fields=` or a component, relation
 * or media that was not populated stays out, so `fields` and `populate` behave exactly as without
 * the plugin. Components and dynamic zones are replaced whole; as their data carries no ids, each
 * item takes the base entry's id at the same position (GraphQL needs one), else a negative
 * placeholder; components nested in them take placeholders. Relations and media arrive already
 * loaded (`loaded`), in the shape the query asked for.
 */
export interface OverlayContext {
  /** Fields that hold components or dynamic zones. */
  componentFields: ReadonlySet<string>;
  /** Relation and media fields, loaded for this entry. */
  loaded?: Record<string, unknown>;
  /** The entry's content type and the component fields of every model, for the ids of nested components. */
  nesting?: { uid: string; byModel: ComponentFieldsByModel };
}

/** Model (content type or component) uid -> its component fields -> the component each holds. */
export type ComponentFieldsByModel = ReadonlyMap<string, ReadonlyMap<string, string>>;

export const componentFieldsByModel = (models: Record<string, { attributes: Record<string, { type: string; component?: string }> }>): ComponentFieldsByModel =>
  new Map(
    Object.entries(models).map(([uid, { attributes }]) => [
      uid,
      new Map(Object.entries(attributes).flatMap(([name, attribute]) => (attribute.type === 'component' && attribute.component ? [[name, attribute.component]] : []))),
    ])
  );

/** Which component a value holds (undefined: a dynamic zone, whose items name theirs), and where to look up nested ones. */
interface Nesting {
  component: string | undefined;
  byModel: ComponentFieldsByModel;
}

const isObject = (value: unknown): value is Record<string, unknown> =>
  typeof value === 'object' && value !== null && !Array.isArray(value);

const idAt = (base: unknown, index: number): unknown => {
  const item = Array.isArray(base) ? base[index] : base;
  return isObject(item) && item.id !== undefined ? item.id : -(index + 1);
};

/**
 * A component, repeatable component or dynamic zone value with ids: the base's at each position,
 * else placeholders. Components nested in it have no base at hand (GraphQL never loads one):
 * placeholders, in REST and GraphQL alike.
 */
export const withComponentIds = (value: unknown, base: unknown, nesting?: Nesting): unknown => {
  const withId = (item: unknown, index: number) => (isObject(item) ? { id: idAt(base, index), ...withNestedIds(item, nesting) } : item);
  if (Array.isArray(value)) return value.map(withId);
  return isObject(value) ? withId(value, 0) : value;
};

const withNestedIds = (item: Record<string, unknown>, nesting: Nesting | undefined): Record<string, unknown> => {
  const fields = nesting?.byModel.get(nesting.component ?? (item.__component as string));
  if (!fields) return item;
  const copy = { ...item };
  for (const [name, component] of fields) {
    if (name in copy) copy[name] = withComponentIds(copy[name], undefined, { component, byModel: nesting!.byModel });
  }
  return copy;
};

/** How the value of one of the entry's fields nests components, if the overlay knows. */
export const nestingOf = (nesting: OverlayContext['nesting'], name: string): Nesting | undefined =>
  nesting && { component: nesting.byModel.get(nesting.uid)?.get(name), byModel: nesting.byModel };

/** The overridden fields the entry carries: those overlay changes, and those that go into the answer. */
export const overridesIn = (entry: Record<string, unknown>, fields: Record<string, unknown>): string[] =>
  Object.keys(fields).filter((name) => name in entry);

export const overlay = (
  entry: Record<string, unknown>,
  fields: Record<string, unknown>,
  { componentFields, loaded = {}, nesting }: OverlayContext
): Record<string, unknown> => {
  for (const name of overridesIn(entry, fields)) {
    if (name in loaded) entry[name] = loaded[name];
    else entry[name] = componentFields.has(name) ? withComponentIds(fields[name], entry[name], nestingOf(nesting, name)) : fields[name];
  }
  return entry;
};
