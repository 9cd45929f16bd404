/**
 * Filters over an event's properties (`{ "property": "category", "op": "eq", "value": "shoes" }`),
 * with the rule language's operator names. Pure; compiled once per trigger.
 */

export const FILTER_OPERATORS = ['eq', 'neq', 'gt', 'gte', 'lt', 'lte', 'in', 'nin', 'contains', 'startsWith', 'exists', 'notExists'] as const;
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

const isNumber = (value: unknown): value is number => typeof value === 'number' && Number.isFinite(value);

const test = ({ op, value }: PropertyFilter, actual: unknown): boolean => {
  const list = Array.isArray(value) ? value : [];
  switch (op) {
    case 'exists':
      return actual !== undefined && actual !== null;
    case 'notExists':
      return actual === undefined || actual === null;
    case 'eq':
      return actual === value;
    case 'neq':
      return actual !== value;
    case 'gt':
      return isNumber(actual) && isNumber(value) && actual > value;
    case 'gte':
      return isNumber(actual) && isNumber(value) && actual >= value;
    case 'lt':
      return isNumber(actual) && isNumber(value) && actual < value;
    case 'lte':
      return isNumber(actual) && isNumber(value) && actual <= value;
    case 'in':
      return list.includes(actual as FilterValue);
    case 'nin':
      return !list.includes(actual as FilterValue);
    case 'contains':
      return typeof actual === 'string' ? actual.includes(String(value)) : Array.isArray(actual) && actual.includes(value);
    case 'startsWith':
      return typeof actual === 'string' && typeof value === 'string' && actual.startsWith(value);
  }
};

/** True when every filter holds for these properties (no filters: always). */
export const compileFilters =
  (filters: readonly PropertyFilter[] = []) =>
  (properties: Record<string, unknown> | undefined): boolean =>
    filters.every((filter) => test(filter, valueAt(properties, filter.property)));
