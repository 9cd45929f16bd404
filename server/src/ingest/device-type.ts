import { LRUCache } from 'lru-cache';
import { UAParser } from 'ua-parser-js';

const cache = new LRUCache<string, string>({ max: 2_000 });

/**
 * 'mobile', 'tablet', 'desktop', 'smarttv', 'console', 'wearable', 'embedded', or 'other' for
 * clients that are not browsers. Parsed by ua-parser-js once per distinct User-Agent.
 */
export const deviceTypeOf = (userAgent: string | undefined): string => {
  if (!userAgent) return 'other';
  let type = cache.get(userAgent);
  if (type === undefined) {
    const parser = new UAParser(userAgent);
    type = parser.getDevice().type ?? (parser.getBrowser().name ? 'desktop' : 'other');
    cache.set(userAgent, type);
  }
  return type;
};
