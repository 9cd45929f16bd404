import { Cluster, Redis } from 'ioredis';
import {
  activeVisitorsKey,
  allVisitorKeys,
  retiredVisitorKeys,
  seenNamesKey,
  applyScriptKeys,
  experimentKeys,
  channelName,
  changeVersionsKey,
  dedupTtlSec,
  engagementCutsKey,
  jobStatusKey,
  lockKey,
  membershipLogKey,
  profileKeyPattern,
  segmentMembersKey,
  segmentSizesKey,
  statsKey,
  userKey,
  visitorIdOfProfileKey,
  visitorKeys,
  utcDay,
  type VisitorKeys,
} from '../keys';
import { MembershipWrites } from '../membership-writes';
import { CORE_FIELDS } from '../profile-fields';
import type {
  ApplyResult,
  Assignment,
  ResolutionState,
  EventUpdate,
  MembershipEvent,
  MembershipUpdate,
  MergeInstruction,
  ProfileStore,
  StatsCounts,
  StoreHealth,
  StoredProfile,
  UpdateSettings,
} from '../profile-store';
import { decodeSegments, encodeSegments } from '../segments-encoding';
import { APPLY_UPDATES_SCRIPT } from './apply-updates-script';
import { LINK_USER_SCRIPT } from './link-user-script';
import { MERGE_SCRIPT } from './merge-script';
import { DELETE_IF_ONE_OF_SCRIPT, RECORD_EXPOSURE_SCRIPT, RELEASE_LOCK_SCRIPT, WRITE_MEMBERSHIP_IF_SCRIPT } from './small-scripts';

export type RedisConnection =
  | { url: string; commandTimeoutMs: number }
  | { cluster: { host: string; port: number }[]; commandTimeoutMs: number };

type Client = Redis | Cluster;

/** `HGETALL P, HGETALL W, LRANGE R, HGETALL X, GET S` as a script returns them. */
type Snapshot = [string[], string[], string[], string[], string | null];

type ApplyReply =
  | ['applied', number, number, string | null, string, ...Partial<[string[], string[], string[], string[]]>]
  | ['aliased', string]
  | ['limited', number];

interface ScriptedClient {
  psnApplyUpdates(...args: (string | number)[]): Promise<ApplyReply>;
  psnMerge(...args: (string | number)[]): Promise<Snapshot>;
  psnLinkUser(key: string, visitorId: string, retentionSec: number): Promise<string>;
  psnReleaseLock(key: string, owner: string): Promise<number>;
  psnDeleteIfOneOf(key: string, ...values: string[]): Promise<number>;
  psnRecordExposure(assignments: string, profile: string, experiment: string, value: string, retentionSec: number): Promise<number>;
  psnWriteMembershipIf(segments: string, expected: string, next: string, retentionSec: number): Promise<number>;
}

const HEALTH_TIMEOUT_MS = 250;
/** Site-wide counters and segment sizes are kept a little over a year. */
const STATS_RETENTION_SEC = 400 * 86_400;
/** Entries and exits of segments kept in the log (approximately: MAXLEN ~). */
const MEMBERSHIP_LOG_LENGTH = 100_000;
/** How long membership changes wait to be written together, and how many may wait. */
const MEMBERSHIP_FLUSH_MS = 250;
const MEMBERSHIP_FLUSH_SIZE = 5_000;
const MEMBERSHIP_PENDING_LIMIT = 100_000;
const JOB_STATUS_TTL_SEC = 7 * 86_400;
const SUBSCRIBE_WAIT_MS = 1_000;
/** Log entry ids remembered per visitor (for erase); older entries have left the capped log anyway. */
const LOG_ENTRIES_PER_VISITOR = 200;

/**
 * The Redis driver. Commands fail fast while Redis is unreachable (no offline queue): callers
 * decide what degraded service means (resolution serves the base entry, ingest answers 503 so the
 * sender retries). ioredis reconnects on its own.
 */
export class RedisProfileStore implements ProfileStore {
  readonly kind = 'redis' as const;

  readonly client: Client;

  /**
   * The connection of content resolution's read, without auto-pipelining. ioredis runs one
   * auto-pipeline per node at a time: a batch waits until the previous batch's replies have been
   * processed, which on a busy event loop is late, so a resolution read queued behind ingest scripts
   * was not even sent when its budget ran out. On its own connection the GET leaves at once.
   */
  private readonly readClient: Client;

  private readonly pendingMembership = new MembershipWrites();
  private membershipTimer: NodeJS.Timeout | undefined;
  private closed = false;

  constructor(
    connection: RedisConnection,
    private readonly keyPrefix: string
  ) {
    const options = {
      commandTimeout: connection.commandTimeoutMs,
      enableOfflineQueue: false,
      // Commands issued in the same tick (concurrent requests, a membership change's ZADDs and
      // XADDs) leave in one socket write per node instead of one each.
      enableAutoPipelining: true,
      lazyConnect: true,
      // Shutdown should not wait seconds for a socket that never opened.
      disconnectTimeout: 200,
    };
    const create = (clientOptions: typeof options): Client =>
      'url' in connection
        ? new Redis(connection.url, { ...clientOptions, maxRetriesPerRequest: 1 })
        : new Cluster(connection.cluster, { ...clientOptions, redisOptions: clientOptions });
    this.client = create(options);
    this.readClient = create({ ...options, enableAutoPipelining: false });
    this.readClient.on('error', () => {});
    this.client.defineCommand('psnApplyUpdates', { numberOfKeys: 9, lua: APPLY_UPDATES_SCRIPT });
    this.client.defineCommand('psnMerge', { numberOfKeys: 5, lua: MERGE_SCRIPT });
    this.client.defineCommand('psnLinkUser', { numberOfKeys: 1, lua: LINK_USER_SCRIPT });
    this.client.defineCommand('psnReleaseLock', { numberOfKeys: 1, lua: RELEASE_LOCK_SCRIPT });
    this.client.defineCommand('psnDeleteIfOneOf', { numberOfKeys: 1, lua: DELETE_IF_ONE_OF_SCRIPT });
    this.client.defineCommand('psnRecordExposure', { numberOfKeys: 2, lua: RECORD_EXPOSURE_SCRIPT });
    this.client.defineCommand('psnWriteMembershipIf', { numberOfKeys: 1, lua: WRITE_MEMBERSHIP_IF_SCRIPT });
    // Errors surface on the calls that fail; without a listener ioredis would log each reconnect.
    this.client.on('error', () => {});
  }

  private get scripts(): ScriptedClient {
    return this.client as unknown as ScriptedClient;
  }

  private keys(visitorId: string): VisitorKeys {
    return visitorKeys(this.keyPrefix, visitorId, Date.now() / 1000);
  }

  /** Connects, waiting at most `timeoutMs`; resolves to whether Redis is ready. Never throws. */
  async connect(timeoutMs: number): Promise<boolean> {
    let timer: NodeJS.Timeout | undefined;
    const timeout = new Promise<boolean>((resolve) => {
      timer = setTimeout(() => resolve(false), timeoutMs);
    });
    const ready = Promise.all([this.client.connect(), this.readClient.connect()]).then(
      () => true,
      () => false
    );
    try {
      return await Promise.race([ready, timeout]);
    } finally {
      clearTimeout(timer);
    }
  }

  async applyUpdates(
    visitorId: string,
    events: EventUpdate[],
    settings: UpdateSettings,
    now: number,
    { returnProfile = false }: { returnProfile?: boolean } = {}
  ): Promise<ApplyResult> {
    const keys = visitorKeys(this.keyPrefix, visitorId, now);
    const reply = await this.scripts.psnApplyUpdates(
      ...applyScriptKeys(keys),
      JSON.stringify(events),
      settings.sessionGapSec,
      settings.affinityHalfLifeSec,
      settings.recentCap,
      settings.retentionSec,
      settings.windowDays,
      settings.maxFields,
      now,
      dedupTtlSec(now),
      settings.eventQuota.limit,
      settings.eventQuota.windowSec,
      returnProfile ? '1' : '0',
      settings.maxWindowBuckets,
      settings.maxTraits,
      JSON.stringify(settings.hourlyCounters)
    );
    if (reply[0] === 'aliased') return { status: 'aliased', visitorId: reply[1] };
    if (reply[0] === 'limited') return { status: 'rate-limited', retryAfterSec: reply[1] };
    const [, accepted, duplicates, segments, mask, fields, windows, recent, traits] = reply;
    return {
      status: 'applied',
      accepted,
      duplicates,
      applied: [...mask].map((flag) => flag === '1'),
      segments: decodeSegments(segments),
      ...(returnProfile ? { profile: fromSnapshot([fields!, windows!, recent!, traits!, segments]) } : {}),
    };
  }

  async readProfile(visitorId: string): Promise<StoredProfile | null> {
    const keys = this.keys(visitorId);
    const [fields, windows, recent, traits, segments, merged] = await execPipeline<
      [Record<string, string>, Record<string, string>, string[], Record<string, string>, string | null, string[]]
    >(
      this.client
        .pipeline()
        .hgetall(keys.profile)
        .hgetall(keys.windows)
        .lrange(keys.recent, 0, -1)
        .hgetall(keys.traits)
        .get(keys.segments)
        .smembers(keys.merged)
    );
    const nothingHeld =
      Object.keys(fields).length === 0 &&
      Object.keys(windows).length === 0 &&
      recent.length === 0 &&
      Object.keys(traits).length === 0 &&
      segments === null;
    if (nothingHeld) return null;
    return {
      ...buildProfile(fields, windows, recent, traits, segments),
      ...(merged.length > 0 ? { merged: merged.sort() } : {}),
    };
  }

  async readSegments(visitorId: string): Promise<string[]> {
    return decodeSegments(await this.client.get(this.keys(visitorId).segments));
  }

  async writeSegments(visitorId: string, segments: string[], retentionSec: number): Promise<void> {
    await this.client.set(this.keys(visitorId).segments, encodeSegments(segments), 'EX', retentionSec);
  }

  async erase(visitorId: string, segments: readonly string[]): Promise<boolean> {
    const keys = this.keys(visitorId);
    const [userHash, merged, users, logEntries] = await execPipeline<[string | null, string[], string[], string[]]>(
      this.client.pipeline().hget(keys.profile, CORE_FIELDS.userHash).smembers(keys.merged).smembers(keys.users).lrange(keys.logEntries, 0, -1)
    );
    const ids = [visitorId, ...merged];
    this.pendingMembership.forget(ids);
    // A merged visitor's log entries written after its merge are listed under its own id.
    const mergedLogEntries = await Promise.all(merged.map((mergedId) => this.client.lrange(this.keys(mergedId).logEntries, 0, -1)));
    const entries = [...logEntries, ...mergedLogEntries.flat()];
    // Everything of one visitor is one slot: a single DEL. Merged visitors, user links, member
    // sets and the log live in other slots, so they go one command each (a Cluster cannot
    // pipeline across slots; auto-pipelining still sends them together).
    const deleted = await this.client.del(...allVisitorKeys(keys));
    const userHashes = new Set([...users, ...(userHash ? [userHash] : [])]);
    await Promise.all([
      ...merged.map((mergedId) => this.client.del(...allVisitorKeys(this.keys(mergedId)))),
      ...[...userHashes].map((hash) => this.scripts.psnDeleteIfOneOf(userKey(this.keyPrefix, hash), ...ids)),
      ...segments.map((segment) => this.client.zrem(segmentMembersKey(this.keyPrefix, segment), ...ids)),
      ...(entries.length > 0 ? [this.client.xdel(membershipLogKey(this.keyPrefix), ...entries)] : []),
    ]);
    return deleted > 0;
  }

  async linkUser(userHash: string, visitorId: string, retentionSec: number): Promise<string> {
    const linked = await this.scripts.psnLinkUser(userKey(this.keyPrefix, userHash), visitorId, retentionSec);
    const { users } = this.keys(linked);
    await execPipeline(this.client.pipeline().sadd(users, userHash).expire(users, retentionSec));
    return linked;
  }

  async userVisitor(userHash: string): Promise<string | null> {
    return this.client.get(userKey(this.keyPrefix, userHash));
  }

  async aliasOf(visitorId: string): Promise<string | null> {
    return this.client.get(this.keys(visitorId).alias);
  }

  async clearAlias(visitorId: string): Promise<void> {
    await this.client.del(this.keys(visitorId).alias);
  }

  async applyMerge(
    visitorId: string,
    merge: MergeInstruction,
    settings: UpdateSettings,
    now: number
  ): Promise<StoredProfile> {
    const keys = visitorKeys(this.keyPrefix, visitorId, now);
    const snapshot = await this.scripts.psnMerge(
      keys.profile,
      keys.windows,
      keys.recent,
      keys.traits,
      keys.segments,
      JSON.stringify(merge),
      settings.affinityHalfLifeSec,
      settings.recentCap,
      settings.retentionSec,
      settings.maxFields,
      settings.maxWindowBuckets,
      settings.maxTraits,
      JSON.stringify(settings.hourlyCounters)
    );
    return fromSnapshot(snapshot);
  }

  async retireInto(fromVisitorId: string, intoVisitorId: string, retentionSec: number): Promise<void> {
    const now = Date.now() / 1000;
    const from = this.keys(fromVisitorId);
    const into = this.keys(intoVisitorId);
    const [merged, users, logEntries, seenToday, seenYesterday] = await execPipeline<[string[], string[], string[], string[], string[]]>(
      this.client.pipeline().smembers(from.merged).smembers(from.users).lrange(from.logEntries, 0, -1).smembers(from.dedupToday).smembers(from.dedupYesterday)
    );
    // What points at `from` moves to `into` first, so that stopping halfway loses nothing.
    const moving = this.client.multi().sadd(into.merged, fromVisitorId, ...merged).expire(into.merged, retentionSec);
    if (users.length > 0) moving.sadd(into.users, ...users).expire(into.users, retentionSec);
    if (logEntries.length > 0) moving.rpush(into.logEntries, ...logEntries).ltrim(into.logEntries, -LOG_ENTRIES_PER_VISITOR, -1).expire(into.logEntries, retentionSec);
    if (seenToday.length > 0) moving.sadd(into.dedupToday, ...seenToday).expire(into.dedupToday, dedupTtlSec(now));
    if (seenYesterday.length > 0) moving.sadd(into.dedupYesterday, ...seenYesterday).expire(into.dedupYesterday, Math.max(1, dedupTtlSec(now) - 86_400));
    await moving.exec();
    await Promise.all([
      ...merged.map((mergedId) => this.client.set(this.keys(mergedId).alias, intoVisitorId, 'EX', retentionSec)),
      ...users.map((hash) => this.client.set(userKey(this.keyPrefix, hash), intoVisitorId, 'EX', retentionSec)),
    ]);
    await this.client.multi().del(...retiredVisitorKeys(from)).set(from.alias, intoVisitorId, 'EX', retentionSec).exec();
  }

  async incrementStats(day: number, counts: StatsCounts): Promise<void> {
    const key = statsKey(this.keyPrefix, day);
    const pipeline = this.client.pipeline();
    for (const [name, delta] of Object.entries(counts)) pipeline.hincrby(key, name, delta);
    pipeline.expire(key, STATS_RETENTION_SEC);
    await execPipeline(pipeline);
  }

  async readStats(fromDay: number, toDay: number): Promise<Record<number, StatsCounts>> {
    const days = Array.from({ length: Math.max(0, toDay - fromDay + 1) }, (_, i) => fromDay + i);
    const replies = await Promise.all(days.map((day) => this.client.hgetall(statsKey(this.keyPrefix, day))));
    const result: Record<number, StatsCounts> = {};
    days.forEach((day, i) => {
      if (Object.keys(replies[i]).length > 0) {
        result[day] = Object.fromEntries(Object.entries(replies[i]).map(([name, count]) => [name, Number(count)]));
      }
    });
    return result;
  }

  /**
   * The visitor's own segments are written at once (resolution reads them on the next request);
   * member sets and the log follow within MEMBERSHIP_FLUSH_MS, one command per segment per flush.
   */
  async updateMembership(visitorId: string, update: MembershipUpdate, now: number, retentionSec: number): Promise<boolean> {
    const written = await this.scripts.psnWriteMembershipIf(this.keys(visitorId).segments, encodeSegments(update.previous), encodeSegments(update.segments), retentionSec);
    if (written !== 1) return false;
    this.pendingMembership.record(visitorId, update, now, retentionSec);
    if (this.pendingMembership.size >= MEMBERSHIP_FLUSH_SIZE) await this.flushMembership();
    else this.membershipTimer ??= setTimeout(() => void this.flushMembership(), MEMBERSHIP_FLUSH_MS).unref();
    return true;
  }

  /** Writes the waiting member-set changes and log entries; a failed write is kept for the next. */
  async flushMembership(): Promise<void> {
    clearTimeout(this.membershipTimer);
    this.membershipTimer = undefined;
    if (this.pendingMembership.size === 0) return;
    const batch = this.pendingMembership.take();
    const log = membershipLogKey(this.keyPrefix);
    try {
      await Promise.all([
        // A visitor who entered and left within one flush leaves an empty set behind: skip those.
        ...[...batch.added]
          .filter(([, members]) => members.size > 0)
          .map(([segment, members]) => this.client.zadd(segmentMembersKey(this.keyPrefix, segment), ...[...members].flatMap(([visitorId, score]) => [score, visitorId]))),
        ...[...batch.removed]
          .filter(([, members]) => members.size > 0)
          .map(([segment, members]) => this.client.zrem(segmentMembersKey(this.keyPrefix, segment), ...members)),
        ...batch.log.map(async (change) => {
          const entryId = await this.client.xadd(log, 'MAXLEN', '~', MEMBERSHIP_LOG_LENGTH, '*', 'v', change.visitorId, 'e', change.entered.join(','), 'l', change.left.join(','), 't', change.at);
          // Remembered with the visitor, so that erasing the visitor can take its entries out.
          const { logEntries } = this.keys(change.visitorId);
          await execPipeline(this.client.pipeline().rpush(logEntries, entryId!).ltrim(logEntries, -LOG_ENTRIES_PER_VISITOR, -1).expire(logEntries, change.retentionSec));
        }),
      ]);
    } catch {
      // Redis is down: keep the changes for the next flush, up to a bound. Member sets are also
      // rebuilt by the periodic re-evaluation, so a dropped change heals within the hour.
      this.pendingMembership.restore(batch, MEMBERSHIP_PENDING_LIMIT);
      if (!this.closed) this.membershipTimer ??= setTimeout(() => void this.flushMembership(), MEMBERSHIP_FLUSH_MS * 4).unref();
    }
  }

  async confirmMembers(segment: string, visitorIds: string[], now: number): Promise<void> {
    if (visitorIds.length === 0) return;
    await this.flushMembership();
    await this.client.zadd(segmentMembersKey(this.keyPrefix, segment), ...visitorIds.flatMap((id) => [now, id]));
  }

  async pruneSegmentMembers(segment: string, before: number): Promise<void> {
    await this.flushMembership();
    await this.client.zremrangebyscore(segmentMembersKey(this.keyPrefix, segment), '-inf', `(${before}`);
  }

  async segmentMembers(segment: string, limit: number): Promise<{ visitorId: string; confirmedAt: number }[]> {
    await this.flushMembership();
    const flat = await this.client.zrevrange(segmentMembersKey(this.keyPrefix, segment), 0, limit - 1, 'WITHSCORES');
    const members: { visitorId: string; confirmedAt: number }[] = [];
    for (let i = 0; i < flat.length; i += 2) members.push({ visitorId: flat[i], confirmedAt: Number(flat[i + 1]) });
    return members;
  }

  async segmentSizes(segments: string[]): Promise<Record<string, number>> {
    await this.flushMembership();
    const sizes = await Promise.all(segments.map((segment) => this.client.zcard(segmentMembersKey(this.keyPrefix, segment))));
    return Object.fromEntries(segments.map((segment, i) => [segment, sizes[i]]));
  }

  async deleteSegmentData(segment: string): Promise<void> {
    await Promise.all([
      this.client.del(segmentMembersKey(this.keyPrefix, segment)),
      this.client.del(segmentSizesKey(this.keyPrefix, segment)),
    ]);
  }

  async recordSegmentSizes(day: number, sizes: Record<string, number>): Promise<void> {
    await Promise.all(
      Object.entries(sizes).map(([segment, size]) =>
        this.client
          .multi()
          .hset(segmentSizesKey(this.keyPrefix, segment), String(day), size)
          .expire(segmentSizesKey(this.keyPrefix, segment), STATS_RETENTION_SEC)
          .exec()
      )
    );
  }

  async segmentSizeHistory(segment: string, fromDay: number, toDay: number): Promise<Record<number, number>> {
    const all = await this.client.hgetall(segmentSizesKey(this.keyPrefix, segment));
    return Object.fromEntries(
      Object.entries(all)
        .map(([day, size]) => [Number(day), Number(size)] as const)
        .filter(([day]) => day >= fromDay && day <= toDay)
    );
  }

  async membershipLog(limit: number): Promise<MembershipEvent[]> {
    await this.flushMembership();
    const entries = await this.client.xrevrange(membershipLogKey(this.keyPrefix), '+', '-', 'COUNT', limit);
    return entries.flatMap(([, flat]) => membershipEvents(pairsToObject(flat))).slice(0, limit);
  }

  async addActiveVisitors(day: number, visitorIds: string[]): Promise<void> {
    if (visitorIds.length === 0) return;
    const key = activeVisitorsKey(this.keyPrefix, day);
    await execPipeline(this.client.pipeline().pfadd(key, ...visitorIds).expire(key, STATS_RETENTION_SEC));
  }

  async countActiveVisitors(days: number[]): Promise<Record<number, number>> {
    const counts = await Promise.all(days.map((day) => this.client.pfcount(activeVisitorsKey(this.keyPrefix, day))));
    return Object.fromEntries(days.map((day, i) => [day, counts[i]]));
  }

  async addSeenNames(family: string, names: string[]): Promise<void> {
    if (names.length > 0) await this.client.sadd(seenNamesKey(this.keyPrefix, family), ...names);
  }

  async seenNames(family: string, limit: number): Promise<string[]> {
    const names = await this.client.srandmember(seenNamesKey(this.keyPrefix, family), limit);
    return (names as string[]).sort();
  }

  async readResolutionState(visitorId: string, { assignments: withAssignments = true }: { assignments?: boolean } = {}): Promise<ResolutionState> {
    const keys = this.keys(visitorId);
    // Without running experiments, one GET is the whole read.
    if (!withAssignments) return { segments: decodeSegments(await this.readClient.get(keys.segments)), assignments: {} };
    const [segments, assignments] = await execPipeline<[string | null, Record<string, string>]>(
      this.readClient.pipeline().get(keys.segments).hgetall(keys.assignments)
    );
    return { segments: decodeSegments(segments), assignments: parseAssignments(assignments) };
  }

  async readAssignments(visitorId: string): Promise<Record<string, Assignment>> {
    return parseAssignments(await this.client.hgetall(this.keys(visitorId).assignments));
  }

  async recordExposure(visitorId: string, experiment: string, arm: string, now: number, retentionSec: number): Promise<boolean> {
    const keys = this.keys(visitorId);
    const first = await this.scripts.psnRecordExposure(keys.assignments, keys.profile, experiment, `${arm}|${Math.floor(now)}`, retentionSec);
    if (first !== 1) return false;
    await this.countExperiment(experiment, now, [`v|${arm}`]);
    return true;
  }

  async recordConversion(visitorId: string, experiment: string, arm: string, goal: string, now: number, retentionSec: number): Promise<boolean> {
    const key = this.keys(visitorId).conversions;
    const [first] = await execPipeline<[number, number]>(
      this.client.pipeline().hsetnx(key, `${experiment}|${goal}`, Math.floor(now)).expire(key, retentionSec)
    );
    await this.countExperiment(experiment, now, first === 1 ? [`ct|${goal}|${arm}`, `cv|${goal}|${arm}`] : [`ct|${goal}|${arm}`]);
    return first === 1;
  }

  /** Adds 1 to each counter in the totals and in today's bucket. */
  private async countExperiment(experiment: string, now: number, counters: string[]): Promise<void> {
    const keys = experimentKeys(this.keyPrefix, experiment);
    const day = utcDay(now);
    const pipeline = this.client.pipeline();
    for (const counter of counters) pipeline.hincrby(keys.totals, counter, 1).hincrby(keys.daily, `${day}|${counter}`, 1);
    await execPipeline(pipeline);
  }

  async experimentCounters(experiment: string): Promise<{ totals: Record<string, number>; daily: Record<string, number> }> {
    const keys = experimentKeys(this.keyPrefix, experiment);
    const [totals, daily] = await execPipeline<[Record<string, string>, Record<string, string>]>(
      this.client.pipeline().hgetall(keys.totals).hgetall(keys.daily)
    );
    const numbers = (hash: Record<string, string>) => Object.fromEntries(Object.entries(hash).map(([name, count]) => [name, Number(count)]));
    return { totals: numbers(totals), daily: numbers(daily) };
  }

  async deleteExperimentData(experiment: string): Promise<void> {
    const keys = experimentKeys(this.keyPrefix, experiment);
    await this.client.del(keys.totals, keys.daily);
  }

  async scanVisitors(cursor: string, count: number): Promise<{ cursor: string; visitorIds: string[] }> {
    // A Cluster is scanned node by node: the cursor is "<master index>:<node cursor>".
    const nodes = this.client instanceof Cluster ? this.client.nodes('master') : [this.client];
    let [nodeIndex, nodeCursor] = cursor === '0' ? [0, '0'] : [Number(cursor.split(':')[0]), cursor.split(':')[1]];
    const [next, keys] = await nodes[nodeIndex].scan(nodeCursor, 'MATCH', profileKeyPattern(this.keyPrefix), 'COUNT', count);
    const visitorIds = keys.map((key) => visitorIdOfProfileKey(this.keyPrefix, key)).filter((id): id is string => id !== null);
    if (next !== '0') return { cursor: `${nodeIndex}:${next}`, visitorIds };
    nodeIndex += 1;
    return { cursor: nodeIndex < nodes.length ? `${nodeIndex}:0` : '0', visitorIds };
  }

  async readProfiles(visitorIds: string[]): Promise<(StoredProfile | null)[]> {
    return Promise.all(visitorIds.map((visitorId) => this.readProfile(visitorId)));
  }

  async writeEngagementCuts(cuts: number[]): Promise<void> {
    await this.client.set(engagementCutsKey(this.keyPrefix), JSON.stringify(cuts));
  }

  async readEngagementCuts(): Promise<number[]> {
    const raw = await this.client.get(engagementCutsKey(this.keyPrefix));
    return raw ? (JSON.parse(raw) as number[]) : [];
  }

  async acquireLock(name: string, owner: string, ttlSec: number): Promise<boolean> {
    const key = lockKey(this.keyPrefix, name);
    if ((await this.client.set(key, owner, 'EX', ttlSec, 'NX')) === 'OK') return true;
    if ((await this.client.get(key)) !== owner) return false;
    await this.client.expire(key, ttlSec);
    return true;
  }

  async releaseLock(name: string, owner: string): Promise<void> {
    await this.scripts.psnReleaseLock(lockKey(this.keyPrefix, name), owner);
  }

  async writeJobStatus(name: string, status: Record<string, unknown>): Promise<void> {
    await this.client.set(jobStatusKey(this.keyPrefix, name), JSON.stringify(status), 'EX', JOB_STATUS_TTL_SEC);
  }

  async readJobStatus(name: string): Promise<Record<string, unknown> | null> {
    const raw = await this.client.get(jobStatusKey(this.keyPrefix, name));
    return raw ? (JSON.parse(raw) as Record<string, unknown>) : null;
  }

  async publish(channel: string, message: string): Promise<void> {
    await this.client.publish(channelName(this.keyPrefix, channel), message);
  }

  async announceChange(topic: string, message: string): Promise<number> {
    const [version] = await Promise.all([
      this.client.hincrby(changeVersionsKey(this.keyPrefix), topic, 1),
      // A lost message is made up for by the counter: a failed publish needs no retry.
      this.publish(topic, message).catch(() => {}),
    ]);
    return version;
  }

  async changeVersions(): Promise<Record<string, number>> {
    const raw = await this.client.hgetall(changeVersionsKey(this.keyPrefix));
    return Object.fromEntries(Object.entries(raw).map(([topic, count]) => [topic, Number(count)]));
  }

  async subscribe(channel: string, onMessage: (message: string) => void): Promise<() => Promise<void>> {
    // A subscribed connection can do nothing else: it gets its own, which queues the SUBSCRIBE
    // until Redis is reachable and subscribes again after every reconnection.
    const options = { enableOfflineQueue: true, lazyConnect: false };
    const subscriber = this.client instanceof Cluster ? this.client.duplicate(undefined, options) : this.client.duplicate(options);
    subscriber.on('error', () => {});
    const name = channelName(this.keyPrefix, channel);
    subscriber.on('message', (received: string, message: string) => {
      if (received === name) onMessage(message);
    });
    // Wait for the subscription while Redis answers, but never hold up a boot while it does not.
    let timer: NodeJS.Timeout | undefined;
    await Promise.race([
      subscriber.subscribe(name).catch(() => {}),
      new Promise((resolve) => {
        timer = setTimeout(resolve, SUBSCRIBE_WAIT_MS);
      }),
    ]);
    clearTimeout(timer);
    return async () => {
      subscriber.disconnect();
    };
  }

  /** PINGs Redis; a reply slower than `timeoutMs` counts as not connected. */
  async health(timeoutMs = HEALTH_TIMEOUT_MS): Promise<StoreHealth> {
    if (this.client.status !== 'ready') return { connected: false, latencyMs: null };
    const started = process.hrtime.bigint();
    let timer: NodeJS.Timeout | undefined;
    const timeout = new Promise<never>((_, reject) => {
      timer = setTimeout(() => reject(new Error('PING timed out')), timeoutMs);
    });
    try {
      await Promise.race([this.client.ping(), timeout]);
      const latencyMs = Number(process.hrtime.bigint() - started) / 1e6;
      return { connected: true, latencyMs: Math.round(latencyMs * 1000) / 1000 };
    } catch {
      return { connected: false, latencyMs: null };
    } finally {
      clearTimeout(timer);
    }
  }

  async close(): Promise<void> {
    await this.flushMembership();
    this.closed = true;
    clearTimeout(this.membershipTimer);
    await Promise.all(
      [this.client, this.readClient].map(async (client) => {
        try {
          await client.quit();
        } catch {
          client.disconnect();
        }
      })
    );
  }
}

const execPipeline = async <T extends unknown[]>(pipeline: { exec(): Promise<[Error | null, unknown][] | null> }): Promise<T> => {
  const replies = (await pipeline.exec()) ?? [];
  return replies.map(([error, value]) => {
    if (error) throw error;
    return value;
  }) as T;
};

/** `{ exp: "arm|ts" }` as stored, to assignments. */
export const parseAssignments = (raw: Record<string, string>): Record<string, Assignment> =>
  Object.fromEntries(
    Object.entries(raw).map(([experiment, value]) => {
      const bar = value.lastIndexOf('|');
      return [experiment, { arm: value.slice(0, bar), at: Number(value.slice(bar + 1)) }];
    })
  );

/**
 * A log entry's changes, newest first within the entry: one visitor's entries (`e`) and exits
 * (`l`) of one batch.
 */
const membershipEvents = (entry: Record<string, string>): MembershipEvent[] => {
  const at = Number(entry.t);
  const list = (value: string | undefined) => (value ? value.split(',') : []);
  return [
    ...list(entry.l).reverse().map((segment) => ({ visitorId: entry.v, segment, change: 'leave' as const, at })),
    ...list(entry.e).reverse().map((segment) => ({ visitorId: entry.v, segment, change: 'enter' as const, at })),
  ];
};

const pairsToObject = (flat: string[]): Record<string, string> => {
  const result: Record<string, string> = {};
  for (let i = 0; i < flat.length; i += 2) result[flat[i]] = flat[i + 1];
  return result;
};

const fromSnapshot = ([fields, windows, recent, traits, segments]: Snapshot): StoredProfile =>
  buildProfile(pairsToObject(fields), pairsToObject(windows), recent, pairsToObject(traits), segments);

const buildProfile = (
  fields: Record<string, string>,
  windows: Record<string, string>,
  recent: string[],
  traits: Record<string, string>,
  segments: string | null
): StoredProfile => ({
  fields,
  windows: Object.fromEntries(Object.entries(windows).map(([key, count]) => [key, Number(count)])),
  recent,
  traits,
  segments: decodeSegments(segments),
});
