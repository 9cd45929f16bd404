import type { Core } from '@strapi/strapi';
import { LRUCache } from 'lru-cache';
import { pluginService } from '../shared/plugin-services';
import type { IncomingEvent } from './event-schema';
import { TOPIC_ATTRIBUTES, topicsOfEntry } from './topics';

const TOPIC_CACHE_TTL_MS = 5 * 60_000;

interface EntryRef {
  uid: string;
  documentId: string;
}

/**
 * Topics of the entries events point at (`properties.contentType` + `properties.documentId`), read
 * from the database in one query per content type and cached for five minutes. Only
 * personalization-enabled content types are looked up.
 */
const entryTopicsService = ({ strapi }: { strapi: Core.Strapi }) => {
  const cache = new LRUCache<string, string[]>({ max: 10_000, ttl: TOPIC_CACHE_TTL_MS });
  const cacheKey = ({ uid, documentId }: EntryRef) => `${uid}|${documentId}`;

  const refOf = (event: IncomingEvent): EntryRef | undefined => {
    const documentId = event.properties?.documentId;
    const uid = pluginService(strapi, 'contentTypes').resolveUid(event.properties?.contentType);
    return uid && typeof documentId === 'string' && documentId.length <= 64 ? { uid, documentId } : undefined;
  };

  const topicAttributes = (uid: string): string[] => {
    const attributes = strapi.contentType(uid as never)?.attributes ?? {};
    return TOPIC_ATTRIBUTES.filter((name) => name in attributes);
  };

  return {
    /** Loads what is not cached yet; resolves to a lookup usable synchronously for these events. */
    async prefetch(events: IncomingEvent[]): Promise<(event: IncomingEvent) => string[]> {
      const missing = new Map<string, Set<string>>();
      for (const event of events) {
        const ref = refOf(event);
        if (ref && !cache.has(cacheKey(ref))) {
          missing.set(ref.uid, (missing.get(ref.uid) ?? new Set()).add(ref.documentId));
        }
      }
      await Promise.all(
        [...missing].map(async ([uid, ids]) => {
          const attributes = topicAttributes(uid);
          const rows = attributes.length
            ? await strapi.db.query(uid as never).findMany({
                where: { documentId: { $in: [...ids] } },
                select: ['documentId', ...attributes],
              })
            : [];
          for (const documentId of ids) {
            const row = (rows as Record<string, unknown>[]).find((candidate) => candidate.documentId === documentId);
            cache.set(cacheKey({ uid, documentId }), topicsOfEntry(row));
          }
        })
      );
      return (event) => {
        const ref = refOf(event);
        return ref ? cache.get(cacheKey(ref)) ?? [] : [];
      };
    },

    /** Forget an entry's topics (after it changed). */
    invalidate(uid: string, documentId: string): void {
      cache.delete(cacheKey({ uid, documentId }));
    },
  };
};

export type EntryTopicsService = ReturnType<typeof entryTopicsService>;
export default entryTopicsService;
