import { experimentKeys, utcDay } from '../../store/keys';
import type { RedisConnection } from '../../store/redis/redis-connection';
import { countsOf, execPipeline } from '../../store/redis/replies';
import { conversionCounters, exposureCounters, type Assignment, type ExperimentCounters, type ExperimentStore } from './experiment-store';

/**
 * KEYS: assignments, profile   ARGV: experiment, '<arm>|<epoch s>', retentionSec
 * Records a first exposure, only for a visitor the store holds a profile of (a read by an unknown
 * id must create nothing). Returns 1 (first), 0 (an arm was recorded before), -1 (unknown visitor).
 */
const RECORD_EXPOSURE_SCRIPT = `
if redis.call('EXISTS', KEYS[2]) == 0 then return -1 end
local first = redis.call('HSETNX', KEYS[1], ARGV[1], ARGV[2])
redis.call('EXPIRE', KEYS[1], tonumber(ARGV[3]))
return first
`;

type RecordExposure = (assignments: string, profile: string, experiment: string, value: string, retentionSec: number) => Promise<number>;

/** `{ exp: "arm|ts" }` as stored, to assignments. */
export const parseAssignments = (raw: Record<string, string>): Record<string, Assignment> =>
  Object.fromEntries(
    Object.entries(raw).map(([experiment, value]) => {
      const bar = value.lastIndexOf('|');
      return [experiment, { arm: value.slice(0, bar), at: Number(value.slice(bar + 1)) }];
    })
  );

/** A visitor's assignments and conversions live under its hash tag (`keys.ts`); counters under the experiment's. */
export class RedisExperimentStore implements ExperimentStore {
  private readonly scripts;

  constructor(private readonly redis: RedisConnection) {
    this.scripts = redis.script<'psnRecordExposure', RecordExposure>('psnRecordExposure', 2, RECORD_EXPOSURE_SCRIPT);
  }

  async readAssignments(visitorId: string): Promise<Record<string, Assignment>> {
    return parseAssignments(await this.redis.client.hgetall(this.redis.visitorKeys(visitorId).assignments));
  }

  async recordExposure(visitorId: string, experiment: string, arm: string, now: number, retentionSec: number): Promise<boolean> {
    const keys = this.redis.visitorKeys(visitorId);
    const first = await this.scripts.psnRecordExposure(keys.assignments, keys.profile, experiment, `${arm}|${Math.floor(now)}`, retentionSec);
    if (first !== 1) return false;
    await this.count(experiment, now, exposureCounters(arm));
    return true;
  }

  async recordConversion(visitorId: string, experiment: string, arm: string, goal: string, now: number, retentionSec: number): Promise<boolean> {
    const key = this.redis.visitorKeys(visitorId).conversions;
    const [first] = await execPipeline<[number, number]>(
      this.redis.client.pipeline().hsetnx(key, `${experiment}|${goal}`, Math.floor(now)).expire(key, retentionSec)
    );
    await this.count(experiment, now, conversionCounters(goal, arm, first === 1));
    return first === 1;
  }

  /** Adds 1 to each counter in the totals and in today's bucket. */
  private async count(experiment: string, now: number, counters: string[]): Promise<void> {
    const keys = experimentKeys(this.redis.keyPrefix, experiment);
    const day = utcDay(now);
    const pipeline = this.redis.client.pipeline();
    for (const counter of counters) pipeline.hincrby(keys.totals, counter, 1).hincrby(keys.daily, `${day}|${counter}`, 1);
    await execPipeline(pipeline);
  }

  async experimentCounters(experiment: string): Promise<ExperimentCounters> {
    const keys = experimentKeys(this.redis.keyPrefix, experiment);
    const [totals, daily] = await execPipeline<[Record<string, string>, Record<string, string>]>(
      this.redis.client.pipeline().hgetall(keys.totals).hgetall(keys.daily)
    );
    return { totals: countsOf(totals), daily: countsOf(daily) };
  }

  async deleteExperimentData(experiment: string): Promise<void> {
    const keys = experimentKeys(this.redis.keyPrefix, experiment);
    await this.redis.client.del(keys.totals, keys.daily);
  }

  async forgetVisitors(visitorIds: readonly string[]): Promise<boolean> {
    // One DEL per visitor: each visitor's keys share a slot, different visitors do not.
    const deleted = await Promise.all(
      visitorIds.map((visitorId) => {
        const keys = this.redis.visitorKeys(visitorId);
        return this.redis.client.del(keys.assignments, keys.conversions);
      })
    );
    return deleted.some((count) => count > 0);
  }
}
