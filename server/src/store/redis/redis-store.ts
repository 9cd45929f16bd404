import { Cluster, Redis } from 'ioredis';
import { applyScriptKeys, dedupTtlSec, statsKey, userKey, visitorKeys, type VisitorKeys } from '../keys';
import { CORE_FIELDS } from '../profile-fields';
import type {
  ApplyResult,
  EventUpdate,
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

export type RedisConnection =
  | { url: string; commandTimeoutMs: number }
  | { cluster: { host: string; port: number }[]; commandTimeoutMs: number };

type Client = Redis | Cluster;

/** `HGETALL P, HGETALL W, LRANGE R, HGETALL X, GET S` as a script returns them. */
type Snapshot = [string[], string[], string[], string[], string | null];

type ApplyReply =
  | ['applied', number, number, string | null, ...Partial<[string[], string[], string[], string[]]>]
  | ['aliased', string]
  | ['limited', number];

interface ScriptedClient {
  psnApplyUpdates(...args: (string | number)[]): Promise<ApplyReply>;
  psnMerge(...args: (string | number)[]): Promise<Snapshot>;
  psnLinkUser(key: string, visitorId: string, retentionSec: number): Promise<string>;
}

const HEALTH_TIMEOUT_MS = 250;
/** Site-wide counters are kept a little over a year. */
const STATS_RETENTION_SEC = 400 * 86_400;

/**
 * The Redis driver. Commands fail fast while Redis is unreachable (no offline queue): callers
 * decide what degraded service means (resolution serves the base entry, ingest answers 503 so the
 * sender retries). ioredis reconnects on its own.
 */
export class RedisProfileStore implements ProfileStore {
  readonly kind = 'redis' as const;

  readonly client: Client;

  constructor(
    connection: RedisConnection,
    private readonly keyPrefix: string
  ) {
    const options = {
      commandTimeout: connection.commandTimeoutMs,
      enableOfflineQueue: false,
      lazyConnect: true,
      // Shutdown should not wait seconds for a socket that never opened.
      disconnectTimeout: 200,
    };
    this.client =
      'url' in connection
        ? new Redis(connection.url, { ...options, maxRetriesPerRequest: 1 })
        : new Cluster(connection.cluster, { ...options, redisOptions: options });
    this.client.defineCommand('psnApplyUpdates', { numberOfKeys: 9, lua: APPLY_UPDATES_SCRIPT });
    this.client.defineCommand('psnMerge', { numberOfKeys: 5, lua: MERGE_SCRIPT });
    this.client.defineCommand('psnLinkUser', { numberOfKeys: 1, lua: LINK_USER_SCRIPT });
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
    const ready = this.client.connect().then(
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
      returnProfile ? '1' : '0'
    );
    if (reply[0] === 'aliased') return { status: 'aliased', visitorId: reply[1] };
    if (reply[0] === 'limited') return { status: 'rate-limited', retryAfterSec: reply[1] };
    const [, accepted, duplicates, segments, fields, windows, recent, traits] = reply;
    return {
      status: 'applied',
      accepted,
      duplicates,
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

  async erase(visitorId: string): Promise<boolean> {
    const keys = this.keys(visitorId);
    const [userHash, merged] = await execPipeline<[string | null, string[]]>(
      this.client.pipeline().hget(keys.profile, CORE_FIELDS.userHash).smembers(keys.merged)
    );
    // Everything of one visitor is one slot: a single DEL. Aliases and the user link live in
    // other slots, so they go one command each (a Cluster cannot pipeline across slots).
    const deleted = await this.client.del(
      keys.profile,
      keys.windows,
      keys.recent,
      keys.traits,
      keys.segments,
      keys.dedupToday,
      keys.dedupYesterday,
      keys.quota,
      keys.alias,
      keys.merged
    );
    const others = merged.map((mergedId) => this.client.del(this.keys(mergedId).alias));
    if (userHash) {
      const link = userKey(this.keyPrefix, userHash);
      others.push(
        this.client.get(link).then((linked) => (linked === visitorId ? this.client.del(link) : 0))
      );
    }
    await Promise.all(others);
    return deleted > 0;
  }

  async linkUser(userHash: string, visitorId: string, retentionSec: number): Promise<string> {
    return this.scripts.psnLinkUser(userKey(this.keyPrefix, userHash), visitorId, retentionSec);
  }

  async userVisitor(userHash: string): Promise<string | null> {
    return this.client.get(userKey(this.keyPrefix, userHash));
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
      settings.maxFields
    );
    return fromSnapshot(snapshot);
  }

  async retireInto(fromVisitorId: string, intoVisitorId: string, retentionSec: number): Promise<void> {
    const from = this.keys(fromVisitorId);
    const into = this.keys(intoVisitorId);
    await this.client
      .multi()
      .del(from.profile, from.windows, from.recent, from.traits, from.segments, from.quota, from.merged)
      .set(from.alias, intoVisitorId, 'EX', retentionSec)
      .exec();
    await this.client.multi().sadd(into.merged, fromVisitorId).expire(into.merged, retentionSec).exec();
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
    try {
      await this.client.quit();
    } catch {
      this.client.disconnect();
    }
  }
}

const execPipeline = async <T extends unknown[]>(pipeline: { exec(): Promise<[Error | null, unknown][] | null> }): Promise<T> => {
  const replies = (await pipeline.exec()) ?? [];
  return replies.map(([error, value]) => {
    if (error) throw error;
    return value;
  }) as T;
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
