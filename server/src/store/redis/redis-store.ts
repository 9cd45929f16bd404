import { Cluster, Redis } from 'ioredis';
import { allVisitorKeys, dedupTtlSec, visitorKeys } from '../keys';
import type {
  ApplyResult,
  EventUpdate,
  ProfileStore,
  StoreHealth,
  StoredProfile,
  UpdateSettings,
} from '../profile-store';
import { decodeSegments, encodeSegments } from '../segments-encoding';
import { APPLY_UPDATES_SCRIPT } from './apply-updates-script';

export type RedisConnection =
  | { url: string; commandTimeoutMs: number }
  | { cluster: { host: string; port: number }[]; commandTimeoutMs: number };

type Client = Redis | Cluster;

const HEALTH_TIMEOUT_MS = 250;

type ApplyReply = [number, number, string[], string[], string[], string[], string | null];

interface ScriptedClient {
  psnApplyUpdates(...args: (string | number)[]): Promise<ApplyReply>;
}

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
    this.client.defineCommand('psnApplyUpdates', { numberOfKeys: 7, lua: APPLY_UPDATES_SCRIPT });
    // Errors surface on the calls that fail; without a listener ioredis would log each reconnect.
    this.client.on('error', () => {});
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
    now: number
  ): Promise<ApplyResult> {
    const keys = visitorKeys(this.keyPrefix, visitorId, now);
    const reply = await (this.client as unknown as ScriptedClient).psnApplyUpdates(
      ...allVisitorKeys(keys),
      JSON.stringify(events),
      settings.sessionGapSec,
      settings.affinityHalfLifeSec,
      settings.recentCap,
      settings.retentionSec,
      settings.windowDays,
      settings.maxFields,
      now,
      dedupTtlSec(now)
    );
    const [accepted, duplicates, fields, windows, recent, traits, segments] = reply;
    return {
      accepted,
      duplicates,
      profile: buildProfile(
        pairsToObject(fields),
        pairsToObject(windows),
        recent,
        pairsToObject(traits),
        segments
      ),
    };
  }

  async readProfile(visitorId: string): Promise<StoredProfile | null> {
    const keys = visitorKeys(this.keyPrefix, visitorId, Date.now() / 1000);
    const replies = await this.client
      .pipeline()
      .hgetall(keys.profile)
      .hgetall(keys.windows)
      .lrange(keys.recent, 0, -1)
      .hgetall(keys.traits)
      .get(keys.segments)
      .exec();
    const [fields, windows, recent, traits, segments] = (replies ?? []).map(([error, value]) => {
      if (error) throw error;
      return value;
    }) as [Record<string, string>, Record<string, string>, string[], Record<string, string>, string | null];
    const nothingHeld =
      Object.keys(fields).length === 0 &&
      Object.keys(windows).length === 0 &&
      recent.length === 0 &&
      Object.keys(traits).length === 0 &&
      segments === null;
    return nothingHeld ? null : buildProfile(fields, windows, recent, traits, segments);
  }

  async readSegments(visitorId: string): Promise<string[]> {
    const keys = visitorKeys(this.keyPrefix, visitorId, 0);
    return decodeSegments(await this.client.get(keys.segments));
  }

  async writeSegments(visitorId: string, segments: string[], retentionSec: number): Promise<void> {
    const keys = visitorKeys(this.keyPrefix, visitorId, 0);
    await this.client.set(keys.segments, encodeSegments(segments), 'EX', retentionSec);
  }

  async erase(visitorId: string): Promise<boolean> {
    const keys = visitorKeys(this.keyPrefix, visitorId, Date.now() / 1000);
    return (await this.client.del(...allVisitorKeys(keys))) > 0;
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

const pairsToObject = (flat: string[]): Record<string, string> => {
  const result: Record<string, string> = {};
  for (let i = 0; i < flat.length; i += 2) result[flat[i]] = flat[i + 1];
  return result;
};

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
