import { Cluster, Redis, ReplyError } from 'ioredis';
import { checkEvictionPolicy, uncheckedEvictionPolicy, type EvictionCheck } from '../eviction-policy';
import { visitorKeys, type VisitorKeys } from '../keys';
import type { StoreConnection, StoreHealth } from '../store-connection';

interface RedisNode {
  host: string;
  port: number;
}

export type RedisAddress =
  | { url: string; commandTimeoutMs: number }
  | { cluster: RedisNode[]; commandTimeoutMs: number }
  | { sentinel: { name: string; nodes: RedisNode[]; password?: string; sentinelPassword?: string }; commandTimeoutMs: number };

export type RedisClient = Redis | Cluster;

const HEALTH_TIMEOUT_MS = 250;

/**
 * The Redis connection every capability's store shares. Commands fail fast while Redis is
 * unreachable (no offline queue): callers decide what degraded service means (resolution serves
 * the base entry, ingest answers 503 so the sender retries). ioredis reconnects on its own.
 */
export class RedisConnection implements StoreConnection {
  readonly kind = 'redis' as const;

  /** Writes and most reads, auto-pipelined. */
  readonly client: RedisClient;

  /**
   * The connection of content resolution's read, without auto-pipelining. ioredis runs one
   * auto-pipeline per node at a time: a batch waits until the previous batch's replies have been
   * processed, which on a busy event loop is late, so a resolution read queued behind ingest scripts
   * was not even sent when its budget ran out. On its own connection the GET leaves at once.
   */
  readonly readClient: RedisClient;

  /** Run before the clients quit (a store's last buffered writes). */
  private readonly beforeClose: (() => Promise<void>)[] = [];

  /**
   * Told of buffered writes a store could not keep (Redis down past the buffer's bound, or at
   * shutdown). The plugin sets it to count and log them; stores know nothing of Strapi.
   */
  onDropped: (kind: string, count: number) => void = () => {};

  constructor(
    address: RedisAddress,
    readonly keyPrefix: string
  ) {
    const options = {
      commandTimeout: address.commandTimeoutMs,
      enableOfflineQueue: false,
      // Commands issued in the same tick (concurrent requests, a membership change's ZADDs and
      // XADDs) leave in one socket write per node instead of one each.
      enableAutoPipelining: true,
      lazyConnect: true,
      // Shutdown should not wait seconds for a socket that never opened.
      disconnectTimeout: 200,
    };
    const create = (clientOptions: typeof options): RedisClient => {
      if ('cluster' in address) return new Cluster(address.cluster, { ...clientOptions, redisOptions: clientOptions });
      if ('url' in address) return new Redis(address.url, { ...clientOptions, maxRetriesPerRequest: 1 });
      const { name, nodes, password, sentinelPassword } = address.sentinel;
      return new Redis({
        ...clientOptions,
        maxRetriesPerRequest: 1,
        sentinels: nodes,
        name,
        password,
        sentinelPassword,
        // A demoted master answers writes with READONLY until the client has moved: reconnect then
        // (asking the sentinels again). Not ioredis's failoverDetector: its sentinel subscriptions
        // kept reconnect timers alive after quit(), and a process using it never exited.
        reconnectOnError: (error) => /^READONLY/.test(error.message),
      });
    };
    this.client = create(options);
    this.readClient = create({ ...options, enableAutoPipelining: false });
    // Errors surface on the calls that fail; without a listener ioredis would log each reconnect.
    this.client.on('error', () => {});
    this.readClient.on('error', () => {});
  }

  /** A visitor's keys (`keys.ts`), today's dedup set by the wall clock unless `now` is given. */
  visitorKeys(visitorId: string, now = Date.now() / 1000): VisitorKeys {
    return visitorKeys(this.keyPrefix, visitorId, now);
  }

  /** Defines a Lua script as a command of the write client (once per name), and returns the client typed with it. */
  script<Name extends string, Fn>(name: Name, numberOfKeys: number, lua: string): Record<Name, Fn> {
    if (!(name in this.client)) this.client.defineCommand(name, { numberOfKeys, lua });
    return this.client as unknown as Record<Name, Fn>;
  }

  /** `flush` runs before the clients quit, so that buffered writes are not lost on shutdown. */
  onClose(flush: () => Promise<void>): void {
    this.beforeClose.push(flush);
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

  /** Runs `listener` each time the write client is connected and ready (at boot, and after every reconnect). */
  onReady(listener: () => void): void {
    this.client.on('ready', listener);
  }

  /**
   * Reads `maxmemory-policy` (every master of a Cluster; the first that evicts decides). Null when
   * Redis could not be reached: the check is for the next connection then. A refused `CONFIG`
   * (disabled, renamed, or not allowed by an ACL, as on managed services) is an unchecked verdict.
   */
  async checkEvictionPolicy(): Promise<EvictionCheck | null> {
    const nodes = this.client instanceof Cluster ? this.client.nodes('master') : [this.client];
    try {
      const checks = await Promise.all(
        nodes.map(async (node) => {
          const [, policy] = (await node.call('CONFIG', 'GET', 'maxmemory-policy')) as string[];
          const [, maxmemory] = (await node.call('CONFIG', 'GET', 'maxmemory')) as string[];
          return checkEvictionPolicy(policy ?? '', maxmemory === undefined ? null : Number(maxmemory));
        })
      );
      return checks.find((check) => check.warning) ?? checks[0];
    } catch (error) {
      return error instanceof ReplyError ? uncheckedEvictionPolicy((error as Error).message) : null;
    }
  }

  async close(): Promise<void> {
    for (const flush of this.beforeClose) await flush();
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
