import type { z } from 'zod';

/**
 * A quicker first try at a zod strict object, by the fields a value has rather than every field
 * of the shape. zod runs each field of a strict object's shape whether the value has it or not, each
 * run with its own result objects: an ingest batch of 20 events of 20 optional fields is over 600
 * field runs (nested objects included) for events that carry five or six fields, and was the
 * largest cost of the ingest request after Strapi's own. This looks only at the fields present:
 * a plain string or enum field (lengths, a regex, a list of values) is checked as the schema
 * states it, read from the schema; any other field is parsed by its own zod schema. It gives up
 * (UNSURE) on anything it cannot vouch for: a value that is not a plain object, a key the shape
 * does not name, a field that fails, a refinement of the whole object that reports an issue. The
 * caller then runs the zod schema itself, which stays the one judge of what is valid and the one
 * source of the errors; this only ever agrees with it (tests/unit/present-fields.test.ts holds the
 * two to the same answers).
 */

type Parse = (value: unknown) => unknown;

/** A field's own parser, for nested lists and objects that should get the same treatment. */
export type FieldParsers = Record<string, Parse>;

/** Returned by a parser that cannot vouch for its value. */
export const UNSURE = null;

/** An object of JSON (its prototype is a realm's Object.prototype, or none): no inherited fields. */
const isPlainObject = (value: unknown): value is Record<string, unknown> => {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) return false;
  const prototype = Object.getPrototypeOf(value);
  return prototype === null || Object.getPrototypeOf(prototype) === null;
};

/** zod's definition of a schema, as far as it is read here (zod/v4/core's `$ZodTypeDef`). */
interface Definition {
  type: string;
  innerType?: z.ZodType;
  entries?: Record<string, unknown>;
  checks?: { _zod: { def: { check: string; minimum?: number; maximum?: number; format?: string; pattern?: RegExp } } }[];
}

const definitionOf = (schema: z.ZodType): Definition => (schema as unknown as { _zod: { def: Definition } })._zod.def;

/**
 * The test of a present value that zod's schema would run, for a plain string (length bounds, a
 * regex: checks that keep the string as it is) or an enum; undefined for any other schema, or a
 * string with any other check (a refinement, a trim, a format), which zod then parses itself.
 */
const plainTest = (schema: z.ZodType): ((value: unknown) => boolean) | undefined => {
  const definition = definitionOf(schema);
  const only = (...keys: string[]) => Object.keys(definition).every((key) => keys.includes(key));
  if (definition.type === 'optional' && only('type', 'innerType')) return plainTest(definition.innerType!);
  if (definition.type === 'enum' && only('type', 'entries', 'error')) {
    const values = new Set(Object.values(definition.entries!));
    return (value) => values.has(value);
  }
  if (definition.type !== 'string' || !only('type', 'checks')) return undefined;
  const tests: ((text: string) => boolean)[] = [];
  for (const check of definition.checks ?? []) {
    const { check: kind, minimum, maximum, format, pattern } = check._zod.def;
    if (kind === 'min_length' && minimum !== undefined) tests.push((text) => text.length >= minimum);
    else if (kind === 'max_length' && maximum !== undefined) tests.push((text) => text.length <= maximum);
    else if (kind === 'string_format' && format === 'regex' && pattern instanceof RegExp) {
      tests.push((text) => {
        pattern.lastIndex = 0;
        return pattern.test(text);
      });
    } else return undefined;
  }
  return (value) => {
    if (typeof value !== 'string') return false;
    for (const test of tests) if (!test(value)) return false;
    return true;
  };
};

/** A field's parser: its plain test when it has one (the value is its own output), else its zod schema. */
const fieldParser = (schema: z.ZodType): Parse => {
  const test = plainTest(schema);
  if (test) return (value) => (test(value) ? value : UNSURE);
  return (value) => {
    const result = schema.safeParse(value);
    return result.success ? result.data : UNSURE;
  };
};

/**
 * A parser of `schema`'s values (a `z.strictObject`, without refinements of its own: pass those as
 * `hasIssues`, the same function its `superRefine` calls), or UNSURE. Its output has what zod's
 * would have: the fields present, each as its schema outputs it. It is the value itself, checked in
 * place, unless a field's parser gave something else (then a copy with those fields replaced): a
 * request's parsed JSON is its own, and copying every event of a batch was most of this
 * parser's cost and garbage. (Its keys keep the order they were sent in, which nothing reads.)
 */
export const presentFieldsParser = (
  schema: z.ZodObject,
  { fields = {}, hasIssues }: { fields?: FieldParsers; hasIssues?: (value: Record<string, unknown>) => boolean } = {}
): Parse => {
  const shape = schema.shape as Record<string, z.ZodType>;
  // A field that may be left out is an `.optional()` one; zod judges the absence of any other.
  const byKey = new Map(Object.keys(shape).map((key) => [key, { parse: fields[key] ?? fieldParser(shape[key]), required: definitionOf(shape[key]).type !== 'optional' }]));
  let required = 0;
  for (const field of byKey.values()) if (field.required) required++;
  return (value) => {
    if (!isPlainObject(value)) return UNSURE;
    let replaced: Record<string, unknown> | undefined;
    let requiredSeen = 0;
    for (const key in value) {
      const known = byKey.get(key);
      // Any key the shape does not name (zod's "unknown field" issue) is left to zod, and so is an
      // inherited one or an undefined value, which JSON never holds.
      if (known === undefined || !Object.hasOwn(value, key)) return UNSURE;
      const field = value[key];
      if (field === undefined) return UNSURE;
      if (known.required) requiredSeen++;
      const parsed = known.parse(field);
      if (parsed === UNSURE) return UNSURE;
      if (parsed !== field) (replaced ??= {})[key] = parsed;
    }
    if (requiredSeen !== required) return UNSURE;
    const output = replaced ? { ...value, ...replaced } : value;
    return hasIssues?.(output) ? UNSURE : output;
  };
};

/** A parser of a non-empty list whose items `item` parses, or UNSURE; the list itself when every item is its own output. */
export const presentFieldsList =
  (item: Parse): Parse =>
  (value) => {
    if (!Array.isArray(value) || value.length === 0) return UNSURE;
    let output: unknown[] | undefined;
    for (let index = 0; index < value.length; index++) {
      const parsed = item(value[index]);
      if (parsed === UNSURE) return UNSURE;
      if (parsed !== value[index]) (output ??= value.slice())[index] = parsed;
    }
    return output ?? value;
  };
