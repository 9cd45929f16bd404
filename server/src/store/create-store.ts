import type { PluginConfig } from '../config';
import { DEFAULT_REDIS_URL } from '../config/schema';
import { MemoryProfileStore } from './memory/memory-store';
import type { ProfileStore } from './profile-store';
import { RedisProfileStore } from './redis/redis-store';

/** Picks the driver from the validated config: Redis unless `store: 'memory'` is asked for. */
export const createStore = (config: PluginConfig): ProfileStore => {
  if (config.store === 'memory') return new MemoryProfileStore();
  const { url, cluster, commandTimeoutMs } = config.redis;
  return new RedisProfileStore(
    cluster ? { cluster, commandTimeoutMs } : { url: url ?? DEFAULT_REDIS_URL, commandTimeoutMs },
    config.keyPrefix
  );
};

/** How the store is described to people: the Redis address without credentials. */
export const describeStore = (config: PluginConfig): string => {
  if (config.store === 'memory') return 'embedded memory store (single process, not persisted)';
  if (config.redis.cluster) {
    return `Redis Cluster (${config.redis.cluster.map((node) => `${node.host}:${node.port}`).join(', ')})`;
  }
  const url = new URL(config.redis.url ?? DEFAULT_REDIS_URL);
  return `Redis at ${url.hostname}:${url.port || 6379}${url.pathname.length > 1 ? url.pathname : ''}`;
};
