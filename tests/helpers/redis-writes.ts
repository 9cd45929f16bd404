import { Redis } from 'ioredis';

/** One write Redis executed: the keyspace event (`hset`, `expire`, `del`, ...) and its key. */
export interface RedisWrite {
  event: string;
  key: string;
}

export interface RedisWriteWatch {
  /**
   * The writes Redis executed while `work` ran, in order: between two marks this watch writes
   * itself, so that writes executed before or after `work` are not counted (Redis runs commands
   * one at a time and publishes their events in that order).
   */
  during(work: () => Promise<void>): Promise<RedisWrite[]>;
  stop(): Promise<void>;
}

const MARK_KEY = 'test-watch:mark';

/**
 * Watches every write of a Redis through keyspace notifications (`notify-keyspace-events`): more
 * precise than comparing `DBSIZE`, which misses a field added to an existing hash or a refreshed
 * TTL. Expiries and evictions (Redis's own doing) are not watched. For tests that check that a
 * refused request wrote nothing.
 */
export const watchRedisWrites = async (port: number): Promise<RedisWriteWatch> => {
  const client = new Redis({ port, host: '127.0.0.1' });
  const subscriber = new Redis({ port, host: '127.0.0.1' });
  // E: key events; g$lshzt: generic, string, list, set, hash, sorted set and stream commands (not x, e).
  await client.config('SET', 'notify-keyspace-events', 'Eg$lshzt');
  const writes: RedisWrite[] = [];
  /** Where each mark's event arrived in `writes`, in the order the marks were set. */
  const markedAt: number[] = [];
  let onMark: (() => void) | undefined;
  subscriber.on('pmessage', (_pattern: string, channel: string, key: string) => {
    if (key === MARK_KEY) {
      markedAt.push(writes.length);
      onMark?.();
      return;
    }
    writes.push({ event: channel.slice(channel.indexOf(':') + 1), key });
  });
  await subscriber.psubscribe('__keyevent@*__:*');

  let marksSet = 0;
  /** Sets the mark and waits for its event; resolves to how many writes were executed before it. */
  const mark = async (): Promise<number> => {
    const index = marksSet++;
    const arrived = new Promise<void>((resolve) => {
      onMark = () => {
        if (markedAt.length > index) resolve();
      };
    });
    await client.set(MARK_KEY, String(index));
    if (markedAt.length <= index) await arrived;
    onMark = undefined;
    return markedAt[index];
  };

  return {
    async during(work) {
      const from = await mark();
      await work();
      const to = await mark();
      return writes.slice(from, to);
    },
    async stop() {
      subscriber.disconnect();
      await client.config('SET', 'notify-keyspace-events', '').catch(() => undefined);
      client.disconnect();
    },
  };
};
