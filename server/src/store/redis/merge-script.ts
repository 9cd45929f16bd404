import { CAPPED_HASH_WRITE, PROFILE_HASH_PRELUDE, PROFILE_SNAPSHOT } from './lua-prelude';

/**
 * Folds a `MergeInstruction` (another device's profile) into one visitor, atomically. The Redis
 * twin of `store/memory/apply-merge.ts`.
 *
 * KEYS: profile, windows, recent, traits, segments
 * ARGV: instruction JSON, halfLifeSec, recentCap, retentionSec, maxFields, maxWindowBuckets, maxTraits
 * Returns: { profile fields, windows, recent, traits, segments or false }
 */
export const MERGE_SCRIPT = `
local P, W, R, X, S = KEYS[1], KEYS[2], KEYS[3], KEYS[4], KEYS[5]
local m = cjson.decode(ARGV[1])
local halfLife = tonumber(ARGV[2])
local recentCap = tonumber(ARGV[3])
local retention = tonumber(ARGV[4])
local maxFields = tonumber(ARGV[5])
local maxWindowBuckets = tonumber(ARGV[6])
local maxTraits = tonumber(ARGV[7])
${PROFILE_HASH_PRELUDE}
${CAPPED_HASH_WRITE}
for field, delta in pairs(m.sum) do add(field, delta) end
for field, value in pairs(m.max) do putMax(field, value) end
for field, value in pairs(m.min) do putMin(field, value) end
for field, value in pairs(m.set) do put(field, value) end
for field, value in pairs(m.setIfAbsent) do putIfAbsent(field, value) end
for topic, scored in pairs(m.affinity) do addAffinity(topic, scored[1], scored[2]) end
addCapped(W, m.windows, maxWindowBuckets, 'HINCRBY')

local have = {}
for _, item in ipairs(redis.call('LRANGE', R, 0, -1)) do have[item] = true end
for _, item in ipairs(m.recent) do
  if not have[item] then
    redis.call('RPUSH', R, item)
    have[item] = true
  end
end
redis.call('LTRIM', R, 0, recentCap - 1)

local traits = {}
for key, value in pairs(m.traits) do
  if m.traitsWin or redis.call('HEXISTS', X, key) == 0 then traits[key] = value end
end
addCapped(X, traits, maxTraits, 'HSET')

for _, key in ipairs({ P, W, R, X, S }) do redis.call('EXPIRE', key, retention) end

return {
${PROFILE_SNAPSHOT}
}
`;
