import { NOT_OVERRIDABLE, NOT_OVERRIDABLE_TYPES, overrideKind, type Attributes, type OverrideKind } from '../override-schema';

/** What the admin's variant editor needs to know of one field a variant may override. */
export interface EditableField {
  name: string;
  type: string;
  kind: OverrideKind;
  required: boolean;
  enum?: string[];
  multiple?: boolean;
  repeatable?: boolean;
  /** Relation target content type. */
  target?: string;
  relation?: string;
  /** Component uid, or the components a dynamic zone allows. */
  component?: string;
  components?: string[];
}

/** The fields of a content type that a variant may override, in schema order. Pure. */
export const editableFields = (attributes: Attributes): EditableField[] =>
  Object.entries(attributes)
    .filter(([name, attribute]) => !NOT_OVERRIDABLE.has(name) && !NOT_OVERRIDABLE_TYPES.has(attribute.type))
    .map(([name, attribute]) => ({
      name,
      type: attribute.type,
      kind: overrideKind(attribute),
      required: attribute.required === true,
      ...(attribute.enum ? { enum: attribute.enum } : {}),
      ...(attribute.multiple !== undefined ? { multiple: attribute.multiple } : {}),
      ...(attribute.repeatable !== undefined ? { repeatable: attribute.repeatable } : {}),
      ...(attribute.target ? { target: attribute.target } : {}),
      ...(attribute.relation ? { relation: attribute.relation } : {}),
      ...(attribute.component ? { component: attribute.component } : {}),
      ...(attribute.components ? { components: attribute.components } : {}),
    }));
