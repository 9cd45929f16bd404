import { AFFINITY_PREFIX, AFFINITY_SCALE } from '../profile-fields';

/**
 * Field-level writes on a profile hash, with the same rules as the Lua prelude
 * (`store/redis/lua-prelude.ts`): the field cap, max/min, and decayed affinity.
 */
export const profileHash = (fields: Map<string, string>, maxFields: number, halfLifeSec: number) => {
  const room = (field: string) => fields.size < maxFields || fields.has(field);
  const put = (field: string, value: string) => {
    if (room(field)) fields.set(field, value);
  };
  const num = (field: string): number | undefined => {
    const value = fields.get(field);
    return value === undefined ? undefined : Number(value);
  };
  const decay = (score: number, from: number, to: number) =>
    score * Math.exp((-Math.LN2 * (to - from)) / halfLifeSec);

  return {
    put,
    num,
    putIfAbsent(field: string, value: string) {
      if (!fields.has(field)) put(field, value);
    },
    add(field: string, delta: number) {
      if (room(field)) fields.set(field, String((num(field) ?? 0) + delta));
    },
    putMax(field: string, value: number) {
      const current = num(field);
      if (current === undefined || value > current) put(field, String(value));
    },
    putMin(field: string, value: number) {
      const current = num(field);
      if (current === undefined || value < current) put(field, String(value));
    },
    addAffinity(topic: string, weight: number, ts: number) {
      const field = AFFINITY_PREFIX + topic;
      const stored = fields.get(field)?.match(/^(\d+)\|(\d+)$/);
      const score = stored ? Number(stored[1]) / AFFINITY_SCALE : 0;
      const at = stored ? Number(stored[2]) : ts;
      const ref = Math.max(at, ts);
      const value = decay(score, at, ref) + decay(weight, ts, ref);
      put(field, `${Math.floor(value * AFFINITY_SCALE + 0.5)}|${ref}`);
    },
  };
};
