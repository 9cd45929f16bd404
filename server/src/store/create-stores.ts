import { MemoryAnalyticsStore } from '../analytics/store/memory-analytics-store';
import { RedisAnalyticsStore } from '../analytics/store/redis-analytics-store';
import type { AnalyticsStore } from '../analytics/store/analytics-store';
import type { PluginConfig } from '../config';
import type { CoEngagementStore } from '../recommendations/store/co-engagement-store';
import { MemoryCoEngagementStore } from '../recommendations/store/memory-co-engagement-store';
import { RedisCoEngagementStore } from '../recommendations/store/redis-co-engagement-store';
import { DEFAULT_REDIS_URL } from '../config/schema';
import type { CoordinationStore } from '../coordination/store/coordination-store';
import { MemoryCoordinationStore } from '../coordination/store/memory-coordination-store';
import { RedisCoordinationStore } from '../coordination/store/redis-coordination-store';
import type { ExperimentStore } from '../experiments/store/experiment-store';
import { MemoryExperimentStore } from '../experiments/store/memory-experiment-store';
import { RedisExperimentStore } from '../experiments/store/redis-experiment-store';
import type { MembershipStore } from '../segments/store/membership-store';
import { MemoryMembershipStore } from '../segments/store/memory-membership-store';
import { RedisMembershipStore } from '../segments/store/redis-membership-store';
import { MemoryResolutionStore } from '../variants/store/memory-resolution-store';
import { RedisResolutionStore } from '../variants/store/redis-resolution-store';
import type { ResolutionStore } from '../variants/store/resolution-store';
import { MemoryTriggerStore } from '../triggers/store/memory-trigger-store';
import { RedisTriggerStore } from '../triggers/store/redis-trigger-store';
import type { TriggerStore } from '../triggers/store/trigger-store';
import { MemoryKeyspace } from './memory/memory-keyspace';
import { MemoryProfileStore } from './memory/memory-profile-store';
import type { ProfileStore } from './profile-store';
import { RedisConnection } from './redis/redis-connection';
import { RedisProfileStore } from './redis/redis-profile-store';
import type { StoreConnection } from './store-connection';

/** Every capability's store, built over one connection. */
export interface Stores {
  /** Kind, health and close: shared by all of them. */
  connection: StoreConnection;
  profiles: ProfileStore;
  membership: MembershipStore;
  experiments: ExperimentStore;
  analytics: AnalyticsStore;
  coordination: CoordinationStore;
  resolution: ResolutionStore;
  coEngagement: CoEngagementStore;
  triggers: TriggerStore;
}

/** The capability stores of the Redis driver, sharing one connection (its two clients). */
export const redisStores = (connection: RedisConnection): Stores => ({
  connection,
  profiles: new RedisProfileStore(connection),
  membership: new RedisMembershipStore(connection),
  experiments: new RedisExperimentStore(connection),
  analytics: new RedisAnalyticsStore(connection),
  coordination: new RedisCoordinationStore(connection),
  resolution: new RedisResolutionStore(connection),
  coEngagement: new RedisCoEngagementStore(connection.client, connection.keyPrefix),
  triggers: new RedisTriggerStore(connection),
});

/** The capability stores of the embedded driver, sharing one keyspace (so erase and expiry span them). */
export const memoryStores = (keyspace = new MemoryKeyspace()): Stores => {
  const membership = new MemoryMembershipStore(keyspace);
  const experiments = new MemoryExperimentStore(keyspace);
  const analytics = new MemoryAnalyticsStore();
  return {
    connection: keyspace,
    profiles: new MemoryProfileStore(keyspace, analytics),
    membership,
    experiments,
    analytics,
    coordination: new MemoryCoordinationStore(keyspace),
    resolution: new MemoryResolutionStore(membership, experiments),
    coEngagement: new MemoryCoEngagementStore(),
    triggers: new MemoryTriggerStore(),
  };
};

/** Picks the driver from the validated config: Redis unless `store: 'memory'` is asked for. */
export const createStores = (config: PluginConfig): Stores => {
  if (config.store === 'memory') return memoryStores();
  const { url, cluster, sentinel, commandTimeoutMs } = config.redis;
  const address = cluster ? { cluster, commandTimeoutMs } : sentinel ? { sentinel, commandTimeoutMs } : { url: url ?? DEFAULT_REDIS_URL, commandTimeoutMs };
  return redisStores(new RedisConnection(address, config.keyPrefix));
};

/** How the store is described to people: the Redis address without credentials. */
export const describeStore = (config: PluginConfig): string => {
  if (config.store === 'memory') return 'embedded memory store (single process, not persisted)';
  if (config.redis.cluster) {
    return `Redis Cluster (${config.redis.cluster.map((node) => `${node.host}:${node.port}`).join(', ')})`;
  }
  if (config.redis.sentinel) {
    const { name, nodes } = config.redis.sentinel;
    return `Redis master "${name}" through Sentinel (${nodes.map((node) => `${node.host}:${node.port}`).join(', ')})`;
  }
  const url = new URL(config.redis.url ?? DEFAULT_REDIS_URL);
  return `Redis at ${url.hostname}:${url.port || 6379}${url.pathname.length > 1 ? url.pathname : ''}`;
};
