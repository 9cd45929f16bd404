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

  const lookupOf = (refs: Map<IncomingEvent, EntryRef>) => (event: IncomingEvent) => {
    const ref = refs.get(event);
    return ref ? cache.get(cacheKey(ref)) ?? [] : [];
  };

  /** The entries the events point at, by event; none for most batches (no `documentId`). */
  const refsOf = (events: IncomingEvent[]) => {
    const refs = new Map<IncomingEvent, EntryRef>();
    for (const event of events) {
      if (event.properties?.documentId === undefined) continue;
      const ref = refOf(event);
      if (ref) refs.set(event, ref);
    }
    return refs;
  };

  const load = async (refs: Map<IncomingEvent, EntryRef>) => {
    const missing = new Map<string, Set<string>>();
    for (const ref of refs.values()) {
      if (!cache.has(cacheKey(ref))) missing.set(ref.uid, (missing.get(ref.uid) ?? new Set()).add(ref.documentId));
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
  };

  return {
    /**
     * A lookup usable synchronously for these events, once what is not cached yet is loaded: at
     * once (no promise) when everything is, as for most batches.
     */
    lookup(events: IncomingEvent[]): ((event: IncomingEvent) => string[]) | Promise<(event: IncomingEvent) => string[]> {
      const refs = refsOf(events);
      for (const ref of refs.values()) {
        if (!cache.has(cacheKey(ref))) return load(refs).then(() => lookupOf(refs));
      }
      return lookupOf(refs);
    },

    /** Forget an entry's topics (after it changed). */
    invalidate(uid: string, documentId: string): void {
      cache.delete(cacheKey({ uid, documentId }));
    },
  };
};

export type EntryTopicsService = ReturnType<typeof entryTopicsService>;
export default entryTopicsService;
