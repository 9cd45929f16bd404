import { engagementCutsKey, membershipLogKey, segmentMembersKey, segmentSizesKey, STATS_RETENTION_SEC } from '../../store/keys';
import type { RedisConnection } from '../../store/redis/redis-connection';
import { execPipeline, pairsToObject } from '../../store/redis/replies';
import type { MembershipEvent, MembershipStore, MembershipUpdate, SegmentMember } from './membership-store';
import { MembershipWrites } from './membership-writes';
import { decodeSegments, encodeSegments } from './segments-encoding';

/** Entries and exits of segments kept in the log (approximately: MAXLEN ~). */
const MEMBERSHIP_LOG_LENGTH = 100_000;
/** How long membership changes wait to be written together, and how many may wait. */
const MEMBERSHIP_FLUSH_MS = 250;
const MEMBERSHIP_FLUSH_SIZE = 5_000;
const MEMBERSHIP_PENDING_LIMIT = 100_000;
/** Log entry ids remembered per visitor (for erase); older entries have left the capped log anyway. */
const LOG_ENTRIES_PER_VISITOR = 200;
/** What the plugin is told was dropped: a visitor's entries and exits of one batch each. */
const DROPPED_KIND = 'segment membership changes';

/**
 * KEYS: segments   ARGV: expected JSON, new JSON, retentionSec
 * Writes a visitor's membership only if the stored one is still the one the change was computed
 * from (no key reads as `[]`). Returns 1 when written, 0 when another write came first.
 */
const WRITE_MEMBERSHIP_IF_SCRIPT = `
local current = redis.call('GET', KEYS[1]) or '[]'
if current ~= ARGV[1] then return 0 end
redis.call('SET', KEYS[1], ARGV[2], 'EX', tonumber(ARGV[3]))
return 1
`;

type WriteMembershipIf = (segments: string, expected: string, next: string, retentionSec: number) => Promise<number>;

/**
 * A visitor's own segments are one small key under its hash tag, written at once (resolution reads
 * them on the next request); member sets and the log follow within MEMBERSHIP_FLUSH_MS, one command
 * per segment per flush (`membership-writes.ts`).
 */
export class RedisMembershipStore implements MembershipStore {
  private readonly scripts;

  private readonly pending = new MembershipWrites();
  private timer: NodeJS.Timeout | undefined;
  private closed = false;

  constructor(private readonly redis: RedisConnection) {
    this.scripts = redis.script<'psnWriteMembershipIf', WriteMembershipIf>('psnWriteMembershipIf', 1, WRITE_MEMBERSHIP_IF_SCRIPT);
    redis.onClose(async () => {
      await this.flush();
      this.closed = true;
      clearTimeout(this.timer);
      if (this.pending.size > 0) redis.onDropped(DROPPED_KIND, this.pending.take().log.length);
    });
  }

  private membersKey(segment: string): string {
    return segmentMembersKey(this.redis.keyPrefix, segment);
  }

  async readSegments(visitorId: string): Promise<string[]> {
    return decodeSegments(await this.redis.client.get(this.redis.visitorKeys(visitorId).segments));
  }

  async writeSegments(visitorId: string, segments: string[], retentionSec: number): Promise<void> {
    await this.redis.client.set(this.redis.visitorKeys(visitorId).segments, encodeSegments(segments), 'EX', retentionSec);
  }

  async updateMembership(visitorId: string, update: MembershipUpdate, now: number, retentionSec: number): Promise<boolean> {
    const { segments } = this.redis.visitorKeys(visitorId);
    const written = await this.scripts.psnWriteMembershipIf(segments, encodeSegments(update.previous), encodeSegments(update.segments), retentionSec);
    if (written !== 1) return false;
    this.pending.record(visitorId, update, now, retentionSec);
    if (this.pending.size >= MEMBERSHIP_FLUSH_SIZE) await this.flush();
    else this.timer ??= setTimeout(() => void this.flush(), MEMBERSHIP_FLUSH_MS).unref();
    return true;
  }

  /** Writes the waiting member-set changes and log entries; a failed write is kept for the next. */
  async flush(): Promise<void> {
    clearTimeout(this.timer);
    this.timer = undefined;
    if (this.pending.size === 0) return;
    const batch = this.pending.take();
    const { client, keyPrefix } = this.redis;
    const log = membershipLogKey(keyPrefix);
    try {
      await Promise.all([
        // A visitor who entered and left within one flush leaves an empty set behind: skip those.
        ...[...batch.added]
          .filter(([, members]) => members.size > 0)
          .map(([segment, members]) => client.zadd(this.membersKey(segment), ...[...members].flatMap(([visitorId, score]) => [score, visitorId]))),
        ...[...batch.removed].filter(([, members]) => members.size > 0).map(([segment, members]) => client.zrem(this.membersKey(segment), ...members)),
        ...batch.log.map(async (change) => {
          const entryId = await client.xadd(log, 'MAXLEN', '~', MEMBERSHIP_LOG_LENGTH, '*', 'v', change.visitorId, 'e', change.entered.join(','), 'l', change.left.join(','), 't', change.at);
          // Remembered with the visitor, so that erasing the visitor can take its entries out.
          const { logEntries } = this.redis.visitorKeys(change.visitorId);
          await execPipeline(client.pipeline().rpush(logEntries, entryId!).ltrim(logEntries, -LOG_ENTRIES_PER_VISITOR, -1).expire(logEntries, change.retentionSec));
        }),
      ]);
    } catch {
      // Redis is down: keep the changes for the next flush, up to a bound. Member sets are also
      // rebuilt by the periodic re-evaluation, so a dropped change heals within the hour.
      this.redis.onDropped(DROPPED_KIND, this.pending.restore(batch, MEMBERSHIP_PENDING_LIMIT));
      if (!this.closed) this.timer ??= setTimeout(() => void this.flush(), MEMBERSHIP_FLUSH_MS * 4).unref();
    }
  }

  async confirmMembers(segment: string, visitorIds: string[], now: number): Promise<void> {
    if (visitorIds.length === 0) return;
    await this.flush();
    await this.redis.client.zadd(this.membersKey(segment), ...visitorIds.flatMap((id) => [now, id]));
  }

  async pruneSegmentMembers(segment: string, before: number): Promise<void> {
    await this.flush();
    await this.redis.client.zremrangebyscore(this.membersKey(segment), '-inf', `(${before}`);
  }

  async segmentMembers(segment: string, limit: number): Promise<SegmentMember[]> {
    await this.flush();
    const flat = await this.redis.client.zrevrange(this.membersKey(segment), 0, limit - 1, 'WITHSCORES');
    const members: SegmentMember[] = [];
    for (let i = 0; i < flat.length; i += 2) members.push({ visitorId: flat[i], confirmedAt: Number(flat[i + 1]) });
    return members;
  }

  async segmentSizes(segments: string[]): Promise<Record<string, number>> {
    await this.flush();
    const sizes = await Promise.all(segments.map((segment) => this.redis.client.zcard(this.membersKey(segment))));
    return Object.fromEntries(segments.map((segment, i) => [segment, sizes[i]]));
  }

  async deleteSegmentData(segment: string): Promise<void> {
    await Promise.all([this.redis.client.del(this.membersKey(segment)), this.redis.client.del(segmentSizesKey(this.redis.keyPrefix, segment))]);
  }

  async recordSegmentSizes(day: number, sizes: Record<string, number>): Promise<void> {
    await Promise.all(
      Object.entries(sizes).map(([segment, size]) => {
        const key = segmentSizesKey(this.redis.keyPrefix, segment);
        return this.redis.client.multi().hset(key, String(day), size).expire(key, STATS_RETENTION_SEC).exec();
      })
    );
  }

  async segmentSizeHistory(segment: string, fromDay: number, toDay: number): Promise<Record<number, number>> {
    const all = await this.redis.client.hgetall(segmentSizesKey(this.redis.keyPrefix, segment));
    return Object.fromEntries(
      Object.entries(all)
        .map(([day, size]) => [Number(day), Number(size)] as const)
        .filter(([day]) => day >= fromDay && day <= toDay)
    );
  }

  async membershipLog(limit: number): Promise<MembershipEvent[]> {
    await this.flush();
    const entries = await this.redis.client.xrevrange(membershipLogKey(this.redis.keyPrefix), '+', '-', 'COUNT', limit);
    return entries.flatMap(([, flat]) => membershipEvents(pairsToObject(flat))).slice(0, limit);
  }

  async writeEngagementCuts(cuts: number[]): Promise<void> {
    await this.redis.client.set(engagementCutsKey(this.redis.keyPrefix), JSON.stringify(cuts));
  }

  async readEngagementCuts(): Promise<number[]> {
    const raw = await this.redis.client.get(engagementCutsKey(this.redis.keyPrefix));
    return raw ? (JSON.parse(raw) as number[]) : [];
  }

  async forgetVisitors(visitorIds: readonly string[], segments: readonly string[]): Promise<boolean> {
    const { client, keyPrefix } = this.redis;
    this.pending.forget(visitorIds);
    // A merged visitor's log entries written after its merge are listed under its own id.
    const logKeys = visitorIds.map((visitorId) => this.redis.visitorKeys(visitorId).logEntries);
    const entries = (await Promise.all(logKeys.map((key) => client.lrange(key, 0, -1)))).flat();
    // Member sets and the log live in slots of their own: one command each (a Cluster cannot
    // pipeline across slots; auto-pipelining still sends them together).
    await Promise.all([
      ...logKeys.map((key) => client.del(key)),
      ...(visitorIds.length > 0 ? segments.map((segment) => client.zrem(this.membersKey(segment), ...visitorIds)) : []),
      ...(entries.length > 0 ? [client.xdel(membershipLogKey(keyPrefix), ...entries)] : []),
    ]);
    return entries.length > 0;
  }

  async moveLogEntries(fromVisitorId: string, intoVisitorId: string, retentionSec: number): Promise<void> {
    const from = this.redis.visitorKeys(fromVisitorId).logEntries;
    const into = this.redis.visitorKeys(intoVisitorId).logEntries;
    const entries = await this.redis.client.lrange(from, 0, -1);
    if (entries.length === 0) return;
    // Copied before the original goes, so that stopping halfway loses nothing.
    await this.redis.client.multi().rpush(into, ...entries).ltrim(into, -LOG_ENTRIES_PER_VISITOR, -1).expire(into, retentionSec).exec();
    await this.redis.client.del(from);
  }
}

/** A log entry's changes, newest first within the entry: one visitor's entries (`e`) and exits (`l`) of one batch. */
const membershipEvents = (entry: Record<string, string>): MembershipEvent[] => {
  const at = Number(entry.t);
  const list = (value: string | undefined) => (value ? value.split(',') : []);
  return [
    ...list(entry.l).reverse().map((segment) => ({ visitorId: entry.v, segment, change: 'leave' as const, at })),
    ...list(entry.e).reverse().map((segment) => ({ visitorId: entry.v, segment, change: 'enter' as const, at })),
  ];
};
