/**
 * The capacity model: from costs measured on this machine (CPU per event and per read in Strapi and
 * in Redis, Redis memory per visitor) to what a site of a given size needs. Pure arithmetic, so the
 * README's table is this function's output for the measured figures and the stated assumptions.
 */

export interface MeasuredCosts {
  /** Strapi process CPU per ingested event (20-event browser batches), µs. */
  strapiCpuUsPerEvent: number;
  /** Strapi process CPU per personalized content read, µs. */
  strapiCpuUsPerRead: number;
  /** Redis CPU per ingested event, µs (Redis runs commands on one thread per shard). */
  redisCpuUsPerEvent: number;
  /** Redis CPU per personalized content read, µs. */
  redisCpuUsPerRead: number;
  /** Redis memory per visitor with a typical profile, all keys counted, bytes. */
  redisBytesPerVisitor: number;
}

export interface SiteAssumptions {
  visitorsPerDay: number;
  eventsPerVisitor: number;
  /** Personalized content reads per visitor and day. */
  readsPerVisitor: number;
  /** The busiest hour's rate over the day's average. */
  peakFactor: number;
  /** Profiles held: the distinct visitors seen within the retention period. */
  profilesHeld: number;
  /** The share of a CPU (or of a Redis shard's thread) planned to be busy at peak. */
  targetUtilization: number;
  /** Memory planned per Redis shard, bytes (the rest left for fragmentation, forks, buffers). */
  bytesPerShard: number;
}

export interface CapacityPlan {
  peakEventsPerSec: number;
  peakReadsPerSec: number;
  /** One Strapi process uses one CPU for JavaScript: instances = CPUs. */
  instances: number;
  eventsPerSecPerInstance: number;
  readsPerSecPerInstance: number;
  redisShardsForCpu: number;
  redisShardsForMemory: number;
  redisShards: number;
  eventsPerSecPerShard: number;
  redisMemoryBytes: number;
}

export const planCapacity = (costs: MeasuredCosts, site: SiteAssumptions): CapacityPlan => {
  const perSec = (perDay: number) => (perDay / 86_400) * site.peakFactor;
  const peakEventsPerSec = perSec(site.visitorsPerDay * site.eventsPerVisitor);
  const peakReadsPerSec = perSec(site.visitorsPerDay * site.readsPerVisitor);
  const budgetUs = 1_000_000 * site.targetUtilization;
  const strapiUsPerSec = peakEventsPerSec * costs.strapiCpuUsPerEvent + peakReadsPerSec * costs.strapiCpuUsPerRead;
  const redisUsPerSec = peakEventsPerSec * costs.redisCpuUsPerEvent + peakReadsPerSec * costs.redisCpuUsPerRead;
  const redisMemoryBytes = site.profilesHeld * costs.redisBytesPerVisitor;
  const redisShardsForCpu = Math.ceil(redisUsPerSec / budgetUs);
  const redisShardsForMemory = Math.ceil(redisMemoryBytes / site.bytesPerShard);
  return {
    peakEventsPerSec,
    peakReadsPerSec,
    instances: Math.max(2, Math.ceil(strapiUsPerSec / budgetUs)),
    eventsPerSecPerInstance: budgetUs / costs.strapiCpuUsPerEvent,
    readsPerSecPerInstance: budgetUs / costs.strapiCpuUsPerRead,
    redisShardsForCpu,
    redisShardsForMemory,
    redisShards: Math.max(redisShardsForCpu, redisShardsForMemory),
    eventsPerSecPerShard: budgetUs / costs.redisCpuUsPerEvent,
    redisMemoryBytes,
  };
};
