import { FORBIDDEN_KEYS } from '../ingest/json-limits';

/**
 * Where a webhook mapping reads a value in the JSON body: a dot path (`customer.id`), where a
 * number indexes an array (`line_items.0.sku`), and `[key=value]` picks the first item of an array
 * whose `key` is `value` (`note_attributes[name=psn_visitor].value`: Shopify carries a storefront's
 * cart attributes as a list of `{ name, value }`).
 */
export type PathStep = { key: string } | { where: string; equals: string };

const MAX_STEPS = 16;
const KEY = '[^.\\[\\]=\\s]+';
const STEP = new RegExp(`^(${KEY})|^\\.(${KEY})|^\\[(${KEY})=([^\\]]+)\\]`);

const cache = new Map<string, PathStep[] | null>();

/** The steps of a path, or null when it is not one (checked when the config is parsed). */
export const parseFieldPath = (text: string): PathStep[] | null => {
  const cached = cache.get(text);
  if (cached !== undefined) return cached;
  const steps: PathStep[] = [];
  let rest = text;
  while (rest.length > 0 && steps.length <= MAX_STEPS) {
    const match = STEP.exec(rest);
    // A bare key at the start and only there; dotted keys and selectors after it.
    if (!match || (match[1] !== undefined) !== (steps.length === 0)) break;
    const key = match[1] ?? match[2];
    if (key !== undefined) steps.push({ key });
    else steps.push({ where: match[3], equals: match[4] });
    rest = rest.slice(match[0].length);
  }
  const valid = rest.length === 0 && steps.length > 0 && steps.length <= MAX_STEPS;
  const forbidden = steps.some((step) => FORBIDDEN_KEYS.has('key' in step ? step.key : step.where));
  const result = valid && !forbidden ? steps : null;
  if (cache.size < 1_000) cache.set(text, result);
  return result;
};

const isPlainObject = (value: unknown): value is Record<string, unknown> =>
  typeof value === 'object' && value !== null && !Array.isArray(value);

/** The value at `steps` in `root`, or undefined when any step finds nothing (own properties only). */
export const readFieldPath = (root: unknown, steps: readonly PathStep[]): unknown => {
  let node = root;
  for (const step of steps) {
    if ('key' in step) {
      if (Array.isArray(node) && /^\d+$/.test(step.key)) node = node[Number(step.key)];
      else if (isPlainObject(node) && Object.hasOwn(node, step.key)) node = node[step.key];
      else return undefined;
    } else {
      if (!Array.isArray(node)) return undefined;
      node = node.find((item) => isPlainObject(item) && Object.hasOwn(item, step.where) && String(item[step.where]) === step.equals);
    }
    if (node === undefined) return undefined;
  }
  return node;
};
