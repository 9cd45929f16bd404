/**
 * Limits on the free-form JSON of events (`properties`, `traits`, Segment context extras): the
 * parts zod cannot type. Reports every violation with its path, so a 400 says exactly what to fix.
 */

export const JSON_LIMITS = {
  maxDepth: 5,
  maxKeys: 50,
  maxArrayItems: 100,
  maxStringLength: 1024,
} as const;

/** Keys that could reach an object's prototype if merged anywhere downstream. */
export const FORBIDDEN_KEYS = new Set(['__proto__', 'constructor', 'prototype']);

export interface JsonLimitIssue {
  path: (string | number)[];
  message: string;
}

const isPlainObject = (value: unknown): value is Record<string, unknown> =>
  typeof value === 'object' && value !== null && !Array.isArray(value);

/**
 * Checks `value` (the object at `path`, nesting level 1) and everything below it.
 * Returns the issues found, at most one per offending node.
 */
export const checkJsonLimits = (
  value: unknown,
  path: (string | number)[] = [],
  depth = 1,
  issues: JsonLimitIssue[] = []
): JsonLimitIssue[] => {
  if (typeof value === 'string') {
    if (value.length > JSON_LIMITS.maxStringLength) {
      issues.push({ path, message: `string longer than ${JSON_LIMITS.maxStringLength} characters` });
    }
    return issues;
  }
  if (typeof value === 'number') {
    if (!Number.isFinite(value)) issues.push({ path, message: 'expected a finite number' });
    return issues;
  }
  if (value === null || typeof value === 'boolean') return issues;
  if (Array.isArray(value) || isPlainObject(value)) {
    if (depth > JSON_LIMITS.maxDepth) {
      issues.push({ path, message: `nested deeper than ${JSON_LIMITS.maxDepth} levels` });
      return issues;
    }
    if (Array.isArray(value)) {
      if (value.length > JSON_LIMITS.maxArrayItems) {
        issues.push({ path, message: `more than ${JSON_LIMITS.maxArrayItems} items` });
        return issues;
      }
      value.forEach((item, index) => checkJsonLimits(item, [...path, index], depth + 1, issues));
      return issues;
    }
    const keys = Object.keys(value);
    if (keys.length > JSON_LIMITS.maxKeys) {
      issues.push({ path, message: `more than ${JSON_LIMITS.maxKeys} properties` });
      return issues;
    }
    for (const key of keys) {
      if (FORBIDDEN_KEYS.has(key)) {
        issues.push({ path: [...path, key], message: `forbidden key "${key}"` });
        continue;
      }
      if (key.length > JSON_LIMITS.maxStringLength) {
        issues.push({ path, message: `key longer than ${JSON_LIMITS.maxStringLength} characters` });
        continue;
      }
      checkJsonLimits(value[key], [...path, key], depth + 1, issues);
    }
    return issues;
  }
  issues.push({ path, message: `unsupported value of type ${typeof value}` });
  return issues;
};

/** Deeper than this, a body is refused before it is walked any further. */
const MAX_BODY_DEPTH = 16;

/** A UTF-16 surrogate without its other half: JSON allows it (`"\ud83d"`), UTF-8 and Redis cannot hold it. */
const LONE_SURROGATE = /[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/;

export const isWellFormedText = (text: string): boolean => !LONE_SURROGATE.test(text);

const ILL_FORMED = 'ill-formed Unicode (a lone UTF-16 surrogate)';

/**
 * Scans a whole request body before schema validation for what must never get further: prototype
 * keys (`__proto__`, `constructor`, `prototype`), absurd nesting and ill-formed Unicode. It runs on
 * every ingest request, so it allocates nothing unless it finds something.
 */
export const findHostileJson = (value: unknown): JsonLimitIssue | null => {
  // Returns the path to the offending key (built while unwinding), or null.
  const walk = (node: unknown, depth: number): { path: (string | number)[]; message: string } | null => {
    if (typeof node === 'string') return isWellFormedText(node) ? null : { path: [], message: ILL_FORMED };
    if (typeof node !== 'object' || node === null) return null;
    if (depth >= MAX_BODY_DEPTH) return { path: [], message: `nested deeper than ${MAX_BODY_DEPTH} levels` };
    if (Array.isArray(node)) {
      for (let index = 0; index < node.length; index++) {
        const found = walk(node[index], depth + 1);
        if (found) return found.path.unshift(index), found;
      }
      return null;
    }
    for (const key in node) {
      if (FORBIDDEN_KEYS.has(key)) return { path: [key], message: `forbidden key "${key}"` };
      if (!isWellFormedText(key)) return { path: [], message: ILL_FORMED };
      const found = walk((node as Record<string, unknown>)[key], depth + 1);
      if (found) return found.path.unshift(key), found;
    }
    return null;
  };
  return walk(value, 0);
};
