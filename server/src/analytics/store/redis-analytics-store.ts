import { activeVisitorsKey, seenNamesKey, statsKey, statsWritersKey, STATS_RETENTION_SEC } from '../../store/keys';
import type { RedisConnection } from '../../store/redis/redis-connection';
import { countsOf, execPipeline } from '../../store/redis/replies';
import type { AnalyticsStore, StatsCounts, StatsFlush } from './analytics-store';

/**
 * KEYS: day's counters, day's writers (same slot)   ARGV: writer ('' for none), seq, retentionSec, name, delta, ...
 * Adds the deltas unless this writer's flush `seq` (or a later one) was applied already; all or
 * nothing, so a flush is never half counted. Returns 1 when counted, 0 when skipped.
 */
const INCREMENT_STATS_SCRIPT = `
local retention = tonumber(ARGV[3])
if ARGV[1] ~= '' then
  local seq = tonumber(ARGV[2])
  if seq <= tonumber(redis.call('HGET', KEYS[2], ARGV[1]) or '0') then return 0 end
  redis.call('HSET', KEYS[2], ARGV[1], ARGV[2])
  redis.call('EXPIRE', KEYS[2], retention)
end
for i = 4, #ARGV, 2 do redis.call('HINCRBY', KEYS[1], ARGV[i], ARGV[i + 1]) end
redis.call('EXPIRE', KEYS[1], retention)
return 1
`;

type IncrementStats = (counters: string, writers: string, ...args: (string | number)[]) => Promise<number>;

export class RedisAnalyticsStore implements AnalyticsStore {
  private readonly scripts;

  constructor(private readonly redis: RedisConnection) {
    this.scripts = redis.script<'psnIncrementStats', IncrementStats>('psnIncrementStats', 2, INCREMENT_STATS_SCRIPT);
  }

  async incrementStats(day: number, counts: StatsCounts, flush?: StatsFlush): Promise<void> {
    const { keyPrefix } = this.redis;
    await this.scripts.psnIncrementStats(
      statsKey(keyPrefix, day),
      statsWritersKey(keyPrefix, day),
      flush?.writer ?? '',
      flush?.seq ?? 0,
      STATS_RETENTION_SEC,
      ...Object.entries(counts).flat()
    );
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
