import { CAPPED_HASH_WRITE, PROFILE_HASH_PRELUDE, PROFILE_SNAPSHOT } from './lua-prelude';

/**
 * Folds a `MergeInstruction` (another device's profile) into one visitor, atomically. The Redis
 * twin of `store/memory/apply-merge.ts`.
 *
 * KEYS: profile, windows, recent, traits, segments, steps
 * ARGV: instruction JSON, halfLifeSec, recentCap, retentionSec, maxFields, maxWindowBuckets, maxTraits,
 *       journeySteps
 * Returns: { profile fields, windows, recent, traits, segments or false, steps }
 */
export const MERGE_SCRIPT = `
local P, W, R, X, S, J = KEYS[1], KEYS[2], KEYS[3], KEYS[4], KEYS[5], KEYS[6]
local m = cjson.decode(ARGV[1])
local halfLife = tonumber(ARGV[2])
local recentCap = tonumber(ARGV[3])
local retention = tonumber(ARGV[4])
local maxFields = tonumber(ARGV[5])
local maxWindowBuckets = tonumber(ARGV[6])
local maxTraits = tonumber(ARGV[7])
local stepCap = tonumber(ARGV[8])
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

-- Steps of both devices interleaved by time, newest first (journeys/interleave-steps.ts): the
-- target's before the source's at equal times, each in stored order; unreadable ones last.
local steps = {}
for _, step in ipairs(redis.call('LRANGE', J, 0, -1)) do steps[#steps + 1] = step end
for _, step in ipairs(m.steps) do steps[#steps + 1] = step end
local timed = {}
for i, step in ipairs(steps) do
  timed[i] = { step = step, index = i, ts = tonumber(string.match(step, '^%[(%-?%d+)')) or -math.huge }
end
table.sort(timed, function(a, b)
  if a.ts == b.ts then return a.index < b.index end
  return a.ts > b.ts
end)
redis.call('DEL', J)
local kept = {}
for i = 1, math.min(#timed, stepCap) do kept[i] = timed[i].step end
if #kept > 0 then redis.call('RPUSH', J, unpack(kept)) end

local traits = {}
for key, value in pairs(m.traits) do
  if m.traitsWin or redis.call('HEXISTS', X, key) == 0 then traits[key] = value end
end
addCapped(X, traits, maxTraits, 'HSET')

for _, key in ipairs({ P, W, R, X, S, J }) do redis.call('EXPIRE', key, retention) end

return {
${PROFILE_SNAPSHOT}
  redis.call('LRANGE', J, 0, -1),
}
`;
