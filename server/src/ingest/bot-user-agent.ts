import { isbot } from 'isbot';
import { LRUCache } from 'lru-cache';

const verdicts = new LRUCache<string, boolean>({ max: 2_000 });
/** Longer ones are judged every time (real browsers' are 100 to 300 characters): the cache stays small. */
const MAX_CACHED_LENGTH = 512;

/**
 * Whether a User-Agent is a bot's (isbot's list). Its pattern runs once per distinct User-Agent:
 * a site's visitors send a few hundred different ones, and every batch of a browser asks.
 */
export const isBotUserAgent = (userAgent: string): boolean => {
  if (userAgent.length > MAX_CACHED_LENGTH) return isbot(userAgent);
  let verdict = verdicts.get(userAgent);
  if (verdict === undefined) verdicts.set(userAgent, (verdict = isbot(userAgent)));
  return verdict;
};
