import type { Core } from '@strapi/strapi';
import { getPluginConfig } from '../config/get-plugin-config';
import { pluginService } from '../shared/plugin-services';
import { createStores, describeStore, type Stores } from './create-stores';
import { RedisConnection } from './redis/redis-connection';
import type { EvictionCheck } from './eviction-policy';
import { guardStore } from './store-unavailable';

const CONNECT_WAIT_MS = 2_000;

/**
 * Owns the stores for the life of the Strapi instance: opened in bootstrap, closed in destroy. A
 * Redis that is down at boot does not stop Strapi: content is served without personalization and
 * the client keeps reconnecting. Callers take the one capability store they need.
 */
const storeService = ({ strapi }: { strapi: Core.Strapi }) => {
  let stores: Stores | undefined;
  let guarded: Stores | undefined;
  let eviction: EvictionCheck | undefined;

  /**
   * Checks Redis's eviction policy on each connection (a restarted Redis may come back with another
   * configuration) and logs a verdict when it changes: a warning for a policy that deletes the
   * plugin's data, a note when it could not be read.
   */
  const checkEviction = async (connection: RedisConnection) => {
    const check = await connection.checkEvictionPolicy();
    if (!check) return;
    const said = (verdict: EvictionCheck | undefined) => verdict?.warning ?? verdict?.unchecked;
    if (said(check) && said(check) !== said(eviction)) {
      if (check.warning) strapi.log.warn(`[personalization] ${check.warning}`);
      else strapi.log.info(`[personalization] ${check.unchecked}`);
    }
    eviction = check;
  };

  /** The open store; its failures reach callers as 503 errors (`store-unavailable.ts`). */
  const open = <Name extends keyof Stores>(name: Name): Stores[Name] => {
    if (!guarded) throw new Error('personalization: the store is not open (bootstrap has not run)');
    return guarded[name];
  };

  return {
    async open(): Promise<void> {
      const config = getPluginConfig(strapi);
      stores = createStores(config);
      guarded = Object.fromEntries(Object.entries(stores).map(([name, store]) => [name, guardStore(store)])) as unknown as Stores;
      const where = describeStore(config);
      if (stores.connection instanceof RedisConnection) {
        const connection = stores.connection;
        connection.onDropped = (kind, count) => pluginService(strapi, 'stats').dropped(kind, count);
        const ready = await connection.connect(CONNECT_WAIT_MS);
        if (ready) await checkEviction(connection);
        // Then on every later connection (after the first, if Redis was down at boot; after a restart).
        connection.onReady(() => void checkEviction(connection));
        if (ready) strapi.log.info(`[personalization] profile store: ${where}`);
        else strapi.log.warn(`[personalization] ${where} is not reachable yet; serving without personalization until it is`);
      } else {
        strapi.log.info(`[personalization] profile store: ${where}`);
      }
    },

    connection: () => open('connection'),
    profiles: () => open('profiles'),
    membership: () => open('membership'),
    experiments: () => open('experiments'),
    analytics: () => open('analytics'),
    coordination: () => open('coordination'),
    resolution: () => open('resolution'),
    coEngagement: () => open('coEngagement'),
    triggers: () => open('triggers'),

    /** The last verdict on Redis's eviction policy (undefined before one could be read, and for the memory store). */
    eviction: () => eviction,

    /** The drivers themselves, for benchmarks and tests that inspect them. */
    drivers(): Stores | undefined {
      return stores;
    },

    async close(): Promise<void> {
      await stores?.connection.close();
      stores = undefined;
      guarded = undefined;
    },
  };
};

export type StoreService = ReturnType<typeof storeService>;
export default storeService;
