import type { Redis } from 'ioredis';

/**
 * Everything a Redis holds, as text: every key name and every value read by its type (a hash's
 * fields and values, a list's items, a stream's entries, ...). Privacy tests search this for ids,
 * addresses and names; `DUMP` would not do, as Redis compresses what it dumps.
 */
export const redisContents = async (client: Redis): Promise<string> => {
  const keys: string[] = [];
  let cursor = '0';
  do {
    const [next, page] = await client.scan(cursor, 'COUNT', 1000);
    keys.push(...page);
    cursor = next;
  } while (cursor !== '0');
  const parts = await Promise.all(
    keys.map(async (key) => {
      const type = await client.type(key);
      const value = await readByType(client, key, type);
      return `${key} (${type}) ${JSON.stringify(value)}`;
    })
  );
  return parts.join('\n');
};

const readByType = async (client: Redis, key: string, type: string): Promise<unknown> => {
  switch (type) {
    case 'string':
      return client.get(key);
    case 'hash':
      return client.hgetall(key);
    case 'list':
      return client.lrange(key, 0, -1);
    case 'set':
      return client.smembers(key);
    case 'zset':
      return client.zrange(key, '0', '-1', 'WITHSCORES');
    case 'stream':
      return client.xrange(key, '-', '+');
    default:
      return null;
  }
};
