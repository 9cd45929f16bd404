import type { Core } from '@strapi/strapi';
import { pluginService } from '../shared/plugin-services';

/** How often every instance checks the change counters: the bound on how stale a cache can get. */
export const CHANGE_POLL_MS = 2_000;

type Handler = (message: string) => void;

/**
 * Changes of what every instance caches (segments, variants, experiments) reach the other instances
 * two ways: a pub/sub message, at once, and a counter per topic in Redis that every instance reads
 * every CHANGE_POLL_MS. Pub/sub delivers at most once and a failed publish is not retried, so the
 * counter is what bounds staleness: a lost message is made up for within one poll.
 */
const changesService = ({ strapi }: { strapi: Core.Strapi }) => {
  const coordinationStore = () => pluginService(strapi, 'store').coordination();
  const handlers = new Map<string, Set<Handler>>();
  /** The counter of each topic as last seen here; missing before the first poll. */
  const seen = new Map<string, number>();
  let primed = false;
  let timer: NodeJS.Timeout | undefined;
  const unsubscribes: (() => Promise<void>)[] = [];

  const poll = async () => {
    const versions = await coordinationStore().changeVersions().catch(() => null);
    if (!versions) return;
    for (const [topic, version] of Object.entries(versions)) {
      const known = seen.get(topic) ?? 0;
      seen.set(topic, version);
      if (primed && version !== known) for (const handler of handlers.get(topic) ?? []) handler('*');
    }
    primed = true;
  };

  return {
    /** Tells every instance (this one has already applied the change itself). */
    async announce(topic: string, message: string): Promise<void> {
      const version = await coordinationStore().announceChange(topic, message).catch(() => undefined);
      if (version !== undefined) seen.set(topic, version);
    },

    /** Calls `handler` on every change announced elsewhere: the message, or '*' when only the counter moved. */
    async watch(topic: string, handler: Handler): Promise<void> {
      handlers.set(topic, (handlers.get(topic) ?? new Set()).add(handler));
      const unsubscribe = await coordinationStore().subscribe(topic, handler).catch(() => undefined);
      if (unsubscribe) unsubscribes.push(unsubscribe);
    },

    async start(): Promise<void> {
      await poll();
      timer = setInterval(() => void poll(), CHANGE_POLL_MS);
      timer.unref();
    },

    async stop(): Promise<void> {
      clearInterval(timer);
      await Promise.all(unsubscribes.splice(0).map((unsubscribe) => unsubscribe().catch(() => {})));
    },
  };
};

export type ChangesService = ReturnType<typeof changesService>;
export default changesService;
