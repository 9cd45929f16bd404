import { activeVisitorsKey, seenNamesKey, statsKey, STATS_RETENTION_SEC } from '../../store/keys';
import type { RedisConnection } from '../../store/redis/redis-connection';
import { countsOf, execPipeline } from '../../store/redis/replies';
import type { AnalyticsStore, StatsCounts } from './analytics-store';

export class RedisAnalyticsStore implements AnalyticsStore {
  constructor(private readonly redis: RedisConnection) {}

  async incrementStats(day: number, counts: StatsCounts): Promise<void> {
    const key = statsKey(this.redis.keyPrefix, day);
    const pipeline = this.redis.client.pipeline();
    for (const [name, delta] of Object.entries(counts)) pipeline.hincrby(key, name, delta);
    pipeline.expire(key, STATS_RETENTION_SEC);
    await execPipeline(pipeline);
  }

  async readStats(fromDay: number, toDay: number): Promise<Record<number, StatsCounts>> {
    const days = Array.from({ length: Math.max(0, toDay - fromDay + 1) }, (_, i) => fromDay + i);
    const replies = await Promise.all(days.map((day) => this.redis.client.hgetall(statsKey(this.redis.keyPrefix, day))));
    const result: Record<number, StatsCounts> = {};
    days.forEach((day, i) => {
      if (Object.keys(replies[i]).length > 0) result[day] = countsOf(replies[i]);
    });
    return result;
  }

  async addActiveVisitors(day: number, visitorIds: string[]): Promise<void> {
    if (visitorIds.length === 0) return;
    const key = activeVisitorsKey(this.redis.keyPrefix, day);
    await execPipeline(this.redis.client.pipeline().pfadd(key, ...visitorIds).expire(key, STATS_RETENTION_SEC));
  }

  async countActiveVisitors(days: number[]): Promise<Record<number, number>> {
    const counts = await Promise.all(days.map((day) => this.redis.client.pfcount(activeVisitorsKey(this.redis.keyPrefix, day))));
    return Object.fromEntries(days.map((day, i) => [day, counts[i]]));
  }

  async addSeenNames(family: string, names: string[]): Promise<void> {
    if (names.length > 0) await this.redis.client.sadd(seenNamesKey(this.redis.keyPrefix, family), ...names);
  }

  async seenNames(family: string, limit: number): Promise<string[]> {
    const names = await this.redis.client.srandmember(seenNamesKey(this.redis.keyPrefix, family), limit);
    return (names as string[]).sort();
  }
}
