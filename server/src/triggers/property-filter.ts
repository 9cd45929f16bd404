/**
 * Filters over an event's properties (`{ "property": "category", "op": "eq", "value": "shoes" }`),
 * with the rule language's operators (their value checks and tests). Pure; compiled once per trigger.
 */
import { OPERATORS, operatorTest, type Operator } from '../segments/rules/operators';

/** The rule language's operators, but `inLast` (an event's own dates are not measured against a clock here). */
export const FILTER_OPERATORS = OPERATORS.filter((op): op is Exclude<Operator, 'inLast'> => op !== 'inLast');
export type FilterOperator = (typeof FILTER_OPERATORS)[number];
export type FilterValue = string | number | boolean;

export interface PropertyFilter {
  /** A property name, or a dot path into nested properties (`product.category`). */
  property: string;
  op: FilterOperator;
  value?: FilterValue | FilterValue[];
}

const valueAt = (properties: Record<string, unknown> | undefined, path: string): unknown => {
  let value: unknown = properties;
  for (const key of path.split('.')) {
    if (typeof value !== 'object' || value === null || Array.isArray(value) || !Object.hasOwn(value, key)) return undefined;
    value = (value as Record<string, unknown>)[key];
  }
  return value;
};

/** True when every filter holds for these properties (no filters: always). */
export const compileFilters = (filters: readonly PropertyFilter[] = []) => {
  const tests = filters.map(({ property, op, value }) => ({ property, test: operatorTest(op, value, 'value') }));
  return (properties: Record<string, unknown> | undefined): boolean => tests.every(({ property, test }) => test(valueAt(properties, property), 0));
};
