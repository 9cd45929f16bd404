import { Cluster, type Redis } from 'ioredis';
import { decodeSegments } from '../../segments/store/segments-encoding';
import {
  activeVisitorsKey,
  applyScriptKeys,
  dedupTtlSec,
  profileKeyPattern,
  profileVisitorKeys,
  retiredVisitorKeys,
  STATS_RETENTION_SEC,
  statsKey,
  userKey,
  utcDay,
  visitorIdOfProfileKey,
} from '../keys';
import { CORE_FIELDS } from '../profile-fields';
import type { ApplyOptions, ApplyResult, ErasedProfile, EventUpdate, FunnelReached, FunnelWindow, MergeInstruction, ProfileStore, StoredProfile, UpdateSettings, VisitorScanPartition } from '../profile-store';
import { sliceBitsFor, sliceEnded, sliceStartCursor } from '../scan-slices';
import { APPLY_UPDATES_SCRIPT } from './apply-updates-script';
import { LINK_USER_SCRIPT } from './link-user-script';
import { MERGE_SCRIPT } from './merge-script';
import type { RedisConnection } from './redis-connection';
import { execPipeline, pairsToObject } from './replies';

/** `HGETALL P, HGETALL W, LRANGE R, HGETALL X, GET S, LRANGE J` as a script returns them. */
type Snapshot = [string[], string[], string[], string[], string | null, string[]];

type ApplyReply =
  | ['applied', number, number, string | null, string, string[], string | null, ...Partial<[string[], string[], string[], string[], string[]]>]
  | ['aliased', string]
  | ['limited', number];

/** `<funnel>|<entry day>|<step>` as the apply script notes a funnel step reached. */
const parseReached = (item: string): FunnelReached => {
  const [funnel, day, step] = item.split('|');
  return { funnel, day: Number(day), step: Number(step) };
};

const NO_FUNNELS: readonly FunnelWindow[] = [];

const SINGLE_NODE = 'server';
const MAX_SLICE_BITS = 8;

/** Whether a server keeps a hash table per cluster slot (Redis 7.4 and later, Valkey 8 and later). */
const tablePerSlot = (info: string): boolean => {
  const version = (name: string) => /^(\d+)\.(\d+)/.exec(new RegExp(`^${name}:(.*)$`, 'm').exec(info)?.[1] ?? '')?.slice(1).map(Number);
  const valkey = version('valkey_version');
  if (valkey) return valkey[0] >= 8;
  const [major, minor] = version('redis_version') ?? [0, 0];
  return major > 7 || (major === 7 && minor >= 4);
};

/** KEYS: key   ARGV: values   Deletes the key if it holds one of the values (a user link to an erased visitor). */
const DELETE_IF_ONE_OF_SCRIPT = `
local current = redis.call('GET', KEYS[1])
for _, value in ipairs(ARGV) do
  if current == value then return redis.call('DEL', KEYS[1]) end
end
return 0
`;

/** KEYS: profile hash   ARGV: field, value   Sets the field only on a profile that exists. */
const SET_IF_PROFILE_SCRIPT = `
if redis.call('EXISTS', KEYS[1]) == 0 then return 0 end
redis.call('HSET', KEYS[1], ARGV[1], ARGV[2])
return 1
`;

interface ProfileScripts {
  psnApplyUpdates(...args: (string | number)[]): Promise<ApplyReply>;
  /** The same script, also counting the batch in the day's site-wide counters (two more keys). */
  psnApplyUpdatesCounted(...args: (string | number)[]): Promise<ApplyReply>;
  psnMerge(...args: (string | number)[]): Promise<Snapshot>;
  psnLinkUser(key: string, visitorId: string, retentionSec: number): Promise<string>;
  psnDeleteIfOneOf(key: string, ...values: string[]): Promise<number>;
  psnSetIfProfile(key: string, field: string, value: string): Promise<number>;
}

/** Every profile write is one Lua script on the visitor's slot: one round trip per ingest batch. */
export class RedisProfileStore implements ProfileStore {
  private readonly scripts: ProfileScripts;

  /**
   * Site-wide counters are counted in the apply script on a single Redis; on a Cluster they live in
   * another slot than the visitor, and the caller counts them.
   */
  private readonly countsSiteWide: boolean;

  constructor(private readonly redis: RedisConnection) {
    redis.script('psnApplyUpdates', 10, APPLY_UPDATES_SCRIPT);
    redis.script('psnApplyUpdatesCounted', 12, APPLY_UPDATES_SCRIPT);
    this.countsSiteWide = !(redis.client instanceof Cluster);
    redis.script('psnMerge', 6, MERGE_SCRIPT);
    redis.script('psnLinkUser', 1, LINK_USER_SCRIPT);
    redis.script('psnDeleteIfOneOf', 1, DELETE_IF_ONE_OF_SCRIPT);
    redis.script('psnSetIfProfile', 1, SET_IF_PROFILE_SCRIPT);
    this.scripts = redis.client as unknown as ProfileScripts;
  }

  /** The batch's funnels as the script reads them, encoded once per list (ingest passes the same list until funnels change). */
  private readonly encodedFunnels = new WeakMap<readonly FunnelWindow[], string>();

  private funnelsJson(funnels: readonly FunnelWindow[]): string {
    let json = this.encodedFunnels.get(funnels);
    if (json === undefined) this.encodedFunnels.set(funnels, (json = JSON.stringify(funnels.map(({ key, windowSec }) => [key, windowSec]))));
    return json;
  }

  private get client() {
    return this.redis.client;
  }

  async applyUpdates(
    visitorId: string,
    events: EventUpdate[],
    settings: UpdateSettings,
    now: number,
    { returnProfile = false, siteCounters, funnels = NO_FUNNELS }: ApplyOptions = {}
  ): Promise<ApplyResult> {
    const keys = this.redis.visitorKeys(visitorId, now);
    const siteCounted = siteCounters !== undefined && this.countsSiteWide;
    const day = utcDay(now);
    const args = [
      ...applyScriptKeys(keys),
      ...(siteCounted ? [statsKey(this.redis.keyPrefix, day), activeVisitorsKey(this.redis.keyPrefix, day)] : []),
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
      JSON.stringify(settings.hourlyCounters),
      settings.journeySteps,
      ...(siteCounted ? [JSON.stringify(siteCounters), STATS_RETENTION_SEC, visitorId] : []),
      // Always the last: the script finds it whatever the optional arguments before it.
      this.funnelsJson(funnels),
    ];
    const reply = await (siteCounted ? this.scripts.psnApplyUpdatesCounted(...args) : this.scripts.psnApplyUpdates(...args));
    if (reply[0] === 'aliased') return { status: 'aliased', visitorId: reply[1] };
    if (reply[0] === 'limited') return { status: 'rate-limited', retryAfterSec: reply[1] };
    const [, accepted, duplicates, segments, mask, reached, previousStep, fields, windows, recent, traits, steps] = reply;
    return {
      status: 'applied',
      accepted,
      duplicates,
      applied: [...mask].map((flag) => flag === '1'),
      siteCounted,
      reached: reached.map(parseReached),
      ...(previousStep ? { previousStep } : {}),
      segments: decodeSegments(segments),
      ...(returnProfile ? { profile: fromSnapshot([fields!, windows!, recent!, traits!, segments, steps!]) } : {}),
    };
  }

  async readProfile(visitorId: string): Promise<StoredProfile | null> {
    const keys = this.redis.visitorKeys(visitorId);
    const [fields, windows, recent, traits, segments, merged, steps] = await execPipeline<
      [Record<string, string>, Record<string, string>, string[], Record<string, string>, string | null, string[], string[]]
    >(
      this.client
        .pipeline()
        .hgetall(keys.profile)
        .hgetall(keys.windows)
        .lrange(keys.recent, 0, -1)
        .hgetall(keys.traits)
        .get(keys.segments)
        .smembers(keys.merged)
        .lrange(keys.steps, 0, -1)
    );
    const nothingHeld =
      Object.keys(fields).length === 0 &&
      Object.keys(windows).length === 0 &&
      recent.length === 0 &&
      steps.length === 0 &&
      Object.keys(traits).length === 0 &&
      segments === null;
    if (nothingHeld) return null;
    return {
      ...buildProfile(fields, windows, recent, traits, segments, steps),
      ...(merged.length > 0 ? { merged: merged.sort() } : {}),
    };
  }

  async readProfiles(visitorIds: string[]): Promise<(StoredProfile | null)[]> {
    return Promise.all(visitorIds.map((visitorId) => this.readProfile(visitorId)));
  }

  async writeCluster(visitorId: string, cluster: string): Promise<boolean> {
    const { profile } = this.redis.visitorKeys(visitorId, 0);
    return (await this.scripts.psnSetIfProfile(profile, CORE_FIELDS.cluster, cluster)) === 1;
  }

  async scanVisitors(cursor: string, count: number): Promise<{ cursor: string; visitorIds: string[] }> {
    const { keyPrefix } = this.redis;
    // A Cluster is scanned node by node: the cursor is "<master index>:<node cursor>".
    const nodes = this.client instanceof Cluster ? this.client.nodes('master') : [this.client];
    let [nodeIndex, nodeCursor] = cursor === '0' ? [0, '0'] : [Number(cursor.split(':')[0]), cursor.split(':')[1]];
    const [next, keys] = await nodes[nodeIndex].scan(nodeCursor, 'MATCH', profileKeyPattern(keyPrefix), 'COUNT', count);
    const visitorIds = keys.map((key) => visitorIdOfProfileKey(keyPrefix, key)).filter((id): id is string => id !== null);
    if (next !== '0') return { cursor: `${nodeIndex}:${next}`, visitorIds };
    nodeIndex += 1;
    return { cursor: nodeIndex < nodes.length ? `${nodeIndex}:0` : '0', visitorIds };
  }

  /** Master nodes by address: a Cluster's, or the one server. */
  private masterNodes(): Map<string, Redis> {
    if (!(this.client instanceof Cluster)) return new Map([[SINGLE_NODE, this.client]]);
    return new Map(this.client.nodes('master').map((node) => [`${node.options.host}:${node.options.port}`, node]));
  }

  async visitorScanPartitions(keysPerSlice: number): Promise<VisitorScanPartition[]> {
    const partitions: VisitorScanPartition[] = [];
    for (const [address, node] of [...this.masterNodes()].sort(([a], [b]) => a.localeCompare(b))) {
      // A Cluster node of Redis 7.4+ or Valkey 8 keeps a table per slot, the slot in the cursor's low bits: not sliced.
      const maxBits = this.client instanceof Cluster && tablePerSlot(await node.info('server')) ? 0 : MAX_SLICE_BITS;
      const bits = sliceBitsFor(await node.dbsize(), keysPerSlice, maxBits);
      for (let slice = 0; slice < 2 ** bits; slice += 1) partitions.push({ node: address, slice, bits });
    }
    return partitions;
  }

  async scanVisitorPartition(partition: VisitorScanPartition, cursor: string | undefined, count: number): Promise<{ cursor: string; visitorIds: string[]; done: boolean }> {
    const node = this.masterNodes().get(partition.node);
    if (!node) throw new Error(`no master node at ${partition.node} (the cluster changed; a later pass plans again)`);
    const { keyPrefix } = this.redis;
    const [next, keys] = await node.scan(cursor ?? sliceStartCursor(partition), 'MATCH', profileKeyPattern(keyPrefix), 'COUNT', count);
    const visitorIds = keys.map((key) => visitorIdOfProfileKey(keyPrefix, key)).filter((id): id is string => id !== null);
    return { cursor: next, visitorIds, done: sliceEnded(partition, next) };
  }

  async lastSeenOf(visitorIds: string[]): Promise<(number | null)[]> {
    // One HGET each, auto-pipelined: a few bytes per visitor instead of the whole profile.
    const lastSeen = await Promise.all(visitorIds.map((visitorId) => this.client.hget(this.redis.visitorKeys(visitorId, 0).profile, CORE_FIELDS.lastSeen)));
    return lastSeen.map((value) => (value === null ? null : Number(value)));
  }

  async erase(visitorId: string): Promise<ErasedProfile> {
    const keys = this.redis.visitorKeys(visitorId);
    const [userHash, merged, users] = await execPipeline<[string | null, string[], string[]]>(
      this.client.pipeline().hget(keys.profile, CORE_FIELDS.userHash).smembers(keys.merged).smembers(keys.users)
    );
    const visitorIds = [visitorId, ...merged];
    // A visitor's profile is one slot: a single DEL. Merged visitors and user links live in other
    // slots, so they go one command each (a Cluster cannot pipeline across slots; auto-pipelining
    // still sends them together).
    const deleted = await this.client.del(...profileVisitorKeys(keys));
    const userHashes = new Set([...users, ...(userHash ? [userHash] : [])]);
    await Promise.all([
      ...merged.map((mergedId) => this.client.del(...profileVisitorKeys(this.redis.visitorKeys(mergedId)))),
      ...[...userHashes].map((hash) => this.scripts.psnDeleteIfOneOf(userKey(this.redis.keyPrefix, hash), ...visitorIds)),
    ]);
    return { held: deleted > 0, visitorIds };
  }

  async linkUser(userHash: string, visitorId: string, retentionSec: number): Promise<string> {
    const linked = await this.scripts.psnLinkUser(userKey(this.redis.keyPrefix, userHash), visitorId, retentionSec);
    const { users } = this.redis.visitorKeys(linked);
    await execPipeline(this.client.pipeline().sadd(users, userHash).expire(users, retentionSec));
    return linked;
  }

  async userVisitor(userHash: string): Promise<string | null> {
    return this.client.get(userKey(this.redis.keyPrefix, userHash));
  }

  async aliasOf(visitorId: string): Promise<string | null> {
    return this.client.get(this.redis.visitorKeys(visitorId).alias);
  }

  async clearAlias(visitorId: string): Promise<void> {
    await this.client.del(this.redis.visitorKeys(visitorId).alias);
  }

  async applyMerge(visitorId: string, merge: MergeInstruction, settings: UpdateSettings, now: number): Promise<StoredProfile> {
    const keys = this.redis.visitorKeys(visitorId, now);
    const snapshot = await this.scripts.psnMerge(
      keys.profile,
      keys.windows,
      keys.recent,
      keys.traits,
      keys.segments,
      keys.steps,
      JSON.stringify(merge),
      settings.affinityHalfLifeSec,
      settings.recentCap,
      settings.retentionSec,
      settings.maxFields,
      settings.maxWindowBuckets,
      settings.maxTraits,
      settings.journeySteps
    );
    return fromSnapshot(snapshot);
  }

  async retireInto(fromVisitorId: string, intoVisitorId: string, retentionSec: number): Promise<void> {
    const now = Date.now() / 1000;
    const from = this.redis.visitorKeys(fromVisitorId, now);
    const into = this.redis.visitorKeys(intoVisitorId, now);
    const [merged, users, seenToday, seenYesterday] = await execPipeline<[string[], string[], string[], string[]]>(
      this.client.pipeline().smembers(from.merged).smembers(from.users).smembers(from.dedupToday).smembers(from.dedupYesterday)
    );
    // What points at `from` moves to `into` first, so that stopping halfway loses nothing.
    const moving = this.client.multi().sadd(into.merged, fromVisitorId, ...merged).expire(into.merged, retentionSec);
    if (users.length > 0) moving.sadd(into.users, ...users).expire(into.users, retentionSec);
    if (seenToday.length > 0) moving.sadd(into.dedupToday, ...seenToday).expire(into.dedupToday, dedupTtlSec(now));
    if (seenYesterday.length > 0) moving.sadd(into.dedupYesterday, ...seenYesterday).expire(into.dedupYesterday, Math.max(1, dedupTtlSec(now) - 86_400));
    await moving.exec();
    await Promise.all([
      ...merged.map((mergedId) => this.client.set(this.redis.visitorKeys(mergedId).alias, intoVisitorId, 'EX', retentionSec)),
      ...users.map((hash) => this.client.set(userKey(this.redis.keyPrefix, hash), intoVisitorId, 'EX', retentionSec)),
    ]);
    await this.client.multi().del(...retiredVisitorKeys(from)).set(from.alias, intoVisitorId, 'EX', retentionSec).exec();
  }
}

const fromSnapshot = ([fields, windows, recent, traits, segments, steps]: Snapshot): StoredProfile =>
  buildProfile(pairsToObject(fields), pairsToObject(windows), recent, pairsToObject(traits), segments, steps);

const buildProfile = (
  fields: Record<string, string>,
  windows: Record<string, string>,
  recent: string[],
  traits: Record<string, string>,
  segments: string | null,
  steps: string[]
): StoredProfile => ({
  fields,
  windows: Object.fromEntries(Object.entries(windows).map(([key, count]) => [key, Number(count)])),
  recent,
  steps,
  traits,
  segments: decodeSegments(segments),
});
