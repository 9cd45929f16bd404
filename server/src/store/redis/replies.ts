/** Reading ioredis replies, for every Redis store. */

/** The replies of a pipeline or MULTI, in order; the first failed command's error is thrown. */
export const execPipeline = async <T extends unknown[]>(pipeline: { exec(): Promise<[Error | null, unknown][] | null> }): Promise<T> => {
  const replies = (await pipeline.exec()) ?? [];
  return replies.map(([error, value]) => {
    if (error) throw error;
    return value;
  }) as T;
};

/** `[field, value, field, value, ...]` (a script's HGETALL, a stream entry) to an object. */
export const pairsToObject = (flat: string[]): Record<string, string> => {
  const result: Record<string, string> = {};
  for (let i = 0; i < flat.length; i += 2) result[flat[i]] = flat[i + 1];
  return result;
};

/** A hash of counters as Redis returns it (strings) to numbers. */
export const countsOf = (hash: Record<string, string>): Record<string, number> =>
  Object.fromEntries(Object.entries(hash).map(([name, count]) => [name, Number(count)]));
