import type { Core } from '@strapi/strapi';
import { getPluginConfig } from '../config/get-plugin-config';
import { createStore, describeStore } from './create-store';
import type { ProfileStore } from './profile-store';
import { RedisProfileStore } from './redis/redis-store';
import { guardStore } from './store-unavailable';

const CONNECT_WAIT_MS = 2_000;

/**
 * Owns the profile store for the life of the Strapi instance: opened in bootstrap, closed in
 * destroy. A Redis that is down at boot does not stop Strapi: content is served without
 * personalization and the client keeps reconnecting.
 */
const storeService = ({ strapi }: { strapi: Core.Strapi }) => {
  let store: ProfileStore | undefined;
  let guarded: ProfileStore | undefined;

  return {
    async open(): Promise<void> {
      const config = getPluginConfig(strapi);
      store = createStore(config);
      guarded = guardStore(store);
      if (store instanceof RedisProfileStore) {
        const ready = await store.connect(CONNECT_WAIT_MS);
        const where = describeStore(config);
        if (ready) strapi.log.info(`[personalization] profile store: ${where}`);
        else strapi.log.warn(`[personalization] ${where} is not reachable yet; serving without personalization until it is`);
      } else {
        strapi.log.info(`[personalization] profile store: ${describeStore(config)}`);
      }
    },

    /** The open store; its failures reach callers as 503 errors (`store-unavailable.ts`). */
    get(): ProfileStore {
      if (!guarded) throw new Error('personalization: the profile store is not open (bootstrap has not run)');
      return guarded;
    },

    /** The driver itself, for benchmarks and tests that inspect it. */
    driver(): ProfileStore | undefined {
      return store;
    },

    async close(): Promise<void> {
      await store?.close();
      store = undefined;
      guarded = undefined;
    },
  };
};

export type StoreService = ReturnType<typeof storeService>;
export default storeService;
