import { addAffinity } from '../affinity';
import { AFFINITY_PREFIX } from '../profile-fields';

/**
 * Field-level writes on a profile hash, with the same rules as the Lua prelude
 * (`store/redis/lua-prelude.ts`): the field cap, max/min, and decayed affinity (`store/affinity.ts`).
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
      put(field, addAffinity(fields.get(field), weight, ts, halfLifeSec));
    },
  };
};
