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

const report = (issues: JsonLimitIssue[], stack: readonly (string | number)[], message: string, key?: string) => {
  issues.push({ path: key === undefined ? [...stack] : [...stack, key], message });
};

/** The walk below `checkJsonLimits`: `stack` is the path to `node`, pushed and popped, copied only into an issue. */
const walkLimits = (node: unknown, level: number, stack: (string | number)[], issues: JsonLimitIssue[]): void => {
  if (typeof node === 'string') {
    if (node.length > JSON_LIMITS.maxStringLength) report(issues, stack, `string longer than ${JSON_LIMITS.maxStringLength} characters`);
    return;
  }
  if (typeof node === 'number') {
    if (!Number.isFinite(node)) report(issues, stack, 'expected a finite number');
    return;
  }
  if (node === null || typeof node === 'boolean') return;
  if (Array.isArray(node)) {
    if (level > JSON_LIMITS.maxDepth) return report(issues, stack, `nested deeper than ${JSON_LIMITS.maxDepth} levels`);
    if (node.length > JSON_LIMITS.maxArrayItems) return report(issues, stack, `more than ${JSON_LIMITS.maxArrayItems} items`);
    for (let index = 0; index < node.length; index++) {
      stack.push(index);
      walkLimits(node[index], level + 1, stack, issues);
      stack.pop();
    }
    return;
  }
  if (!isPlainObject(node)) return report(issues, stack, `unsupported value of type ${typeof node}`);
  if (level > JSON_LIMITS.maxDepth) return report(issues, stack, `nested deeper than ${JSON_LIMITS.maxDepth} levels`);
  let keys = 0;
  for (const key in node) if (Object.hasOwn(node, key)) keys++;
  if (keys > JSON_LIMITS.maxKeys) return report(issues, stack, `more than ${JSON_LIMITS.maxKeys} properties`);
  for (const key in node) {
    if (!Object.hasOwn(node, key)) continue;
    if (FORBIDDEN_KEYS.has(key)) report(issues, stack, `forbidden key "${key}"`, key);
    else if (key.length > JSON_LIMITS.maxStringLength) report(issues, stack, `key longer than ${JSON_LIMITS.maxStringLength} characters`);
    else {
      stack.push(key);
      walkLimits(node[key], level + 1, stack, issues);
      stack.pop();
    }
  }
};

/** The path stack of walks from the root (every event's properties): one for the process. */
const rootStack: (string | number)[] = [];

/**
 * Checks `value` (the object at `path`, nesting level `depth`) and everything below it.
 * Returns the issues found, at most one per offending node. It runs on every event's properties,
 * so it allocates nothing but the issues it finds.
 */
export const checkJsonLimits = (value: unknown, path: (string | number)[] = [], depth = 1, issues: JsonLimitIssue[] = []): JsonLimitIssue[] => {
  const stack = path.length === 0 ? rootStack : [...path];
  try {
    walkLimits(value, depth, stack, issues);
  } finally {
    // The walk is synchronous and pops what it pushes; this only matters if it threw.
    rootStack.length = 0;
  }
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
