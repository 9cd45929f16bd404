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
  return (value) => typeof value === 'string' && tests.every((test) => test(value));
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
 * `hasIssues`, the same function its `superRefine` calls), or UNSURE. Its output is what zod's
 * would be: a new object with the fields present, in the shape's order, each as its schema outputs it.
 */
export const presentFieldsParser = (
  schema: z.ZodObject,
  { fields = {}, hasIssues }: { fields?: FieldParsers; hasIssues?: (value: Record<string, unknown>) => boolean } = {}
): Parse => {
  const shape = schema.shape as Record<string, z.ZodType>;
  const keys = Object.keys(shape);
  const parsers: Parse[] = keys.map((key) => fields[key] ?? fieldParser(shape[key]));
  // A field that may be left out is an `.optional()` one; zod judges the absence of any other.
  const optional = keys.map((key) => definitionOf(shape[key]).type === 'optional');
  return (value) => {
    if (!isPlainObject(value)) return UNSURE;
    const output: Record<string, unknown> = {};
    let present = 0;
    for (let index = 0; index < keys.length; index++) {
      const field = value[keys[index]];
      if (field === undefined) {
        if (optional[index]) continue;
        return UNSURE;
      }
      present++;
      const parsed = parsers[index](field);
      if (parsed === UNSURE) return UNSURE;
      output[keys[index]] = parsed;
    }
    // Any key the shape does not name (zod's "unknown field" issue) is left to zod.
    let own = 0;
    for (const key in value) if (Object.hasOwn(value, key)) own++;
    if (own !== present) return UNSURE;
    return hasIssues?.(output) ? UNSURE : output;
  };
};

/** A parser of a non-empty list whose items `item` parses, or UNSURE. */
export const presentFieldsList =
  (item: Parse): Parse =>
  (value) => {
    if (!Array.isArray(value) || value.length === 0) return UNSURE;
    const output: unknown[] = new Array(value.length);
    for (let index = 0; index < value.length; index++) {
      const parsed = item(value[index]);
      if (parsed === UNSURE) return UNSURE;
      output[index] = parsed;
    }
    return output;
  };
