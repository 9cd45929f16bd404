import { CORE_FIELDS as F } from '../profile-fields';
import { PROFILE_HASH_PRELUDE, PROFILE_SNAPSHOT } from './lua-prelude';

/**
 * Applies a batch of `EventUpdate`s to one visitor in a single atomic call: one round trip per
 * ingest batch. It is the Redis twin of `store/memory/apply-updates.ts`; the store contract suite
 * holds the two to the same behaviour, so change both together.
 *
 * KEYS: profile, windows, recent, traits, segments, dedupToday, dedupYesterday, quota, alias
 * ARGV: events JSON, sessionGapSec, halfLifeSec, recentCap, retentionSec, windowDays, maxFields,
 *       now, dedupTtlSec, quotaLimit, quotaWindowSec
 * Returns one of:
 *   { 'applied', accepted, duplicates, profile fields, windows, recent, traits, segments or false }
 *   { 'aliased', visitorId }   this visitor was merged into another; nothing was written
 *   { 'limited', ttl }         over the per-visitor event quota; nothing was written
 */
export const APPLY_UPDATES_SCRIPT = `
local P, W, R, X, S, D_TODAY, D_YESTERDAY, Q, A = KEYS[1], KEYS[2], KEYS[3], KEYS[4], KEYS[5], KEYS[6], KEYS[7], KEYS[8], KEYS[9]

local aliasOf = redis.call('GET', A)
if aliasOf then return { 'aliased', aliasOf } end

local events = cjson.decode(ARGV[1])
local quotaLimit = tonumber(ARGV[10])
local used = tonumber(redis.call('GET', Q) or '0')
if used + #events > quotaLimit then
  return { 'limited', math.max(redis.call('TTL', Q), 1) }
end
if redis.call('INCRBY', Q, #events) == #events then redis.call('EXPIRE', Q, tonumber(ARGV[11])) end

local gap = tonumber(ARGV[2])
local halfLife = tonumber(ARGV[3])
local recentCap = tonumber(ARGV[4])
local retention = tonumber(ARGV[5])
local windowDays = tonumber(ARGV[6])
local maxFields = tonumber(ARGV[7])
local now = tonumber(ARGV[8])
local dedupTtl = tonumber(ARGV[9])
${PROFILE_HASH_PRELUDE}
local today = math.floor(now / 86400)
local oldestDay = today - windowDays
local accepted, duplicates = 0, 0

local function countInWindow(ts, counter, delta)
  local day = math.floor(ts / 86400)
  if day >= oldestDay then redis.call('HINCRBY', W, int(day) .. ':' .. counter, delta) end
end

for _, e in ipairs(events) do
  local duplicate = false
  if e.dedup then
    local id = int(e.dedup)
    if redis.call('SISMEMBER', D_TODAY, id) == 1 or redis.call('SISMEMBER', D_YESTERDAY, id) == 1 then
      duplicate = true
    else
      redis.call('SADD', D_TODAY, id)
    end
  end

  if duplicate then
    duplicates = duplicates + 1
  else
    accepted = accepted + 1
    local ts = e.ts
    local lastSeen = num('${F.lastSeen}')
    local opensSession = lastSeen == nil or ts - lastSeen > gap
    if lastSeen == nil or ts > lastSeen then put('${F.lastSeen}', int(ts)) end
    putMin('${F.firstSeen}', ts)
    if opensSession then
      add('${F.sessions}', 1)
      put('${F.sessionStart}', int(ts))
      countInWindow(ts, '${F.sessions}', 1)
      if e.setOnSessionStart then
        for field, value in pairs(e.setOnSessionStart) do put(field, value) end
      end
    end
    if e.incr then
      for field, delta in pairs(e.incr) do add(field, delta) end
    end
    if e.max then
      for field, value in pairs(e.max) do putMax(field, value) end
    end
    if e.setOnce then
      for field, value in pairs(e.setOnce) do putIfAbsent(field, value) end
    end
    if e.set then
      for field, value in pairs(e.set) do put(field, value) end
    end
    if e.affinity then
      for topic, weight in pairs(e.affinity) do addAffinity(topic, weight, ts) end
    end
    if e.windowed then
      for counter, delta in pairs(e.windowed) do countInWindow(ts, counter, delta) end
    end
    if e.recentItem then
      redis.call('LREM', R, 0, e.recentItem)
      redis.call('LPUSH', R, e.recentItem)
      redis.call('LTRIM', R, 0, recentCap - 1)
    end
    if e.traits then
      for key, value in pairs(e.traits) do redis.call('HSET', X, key, value) end
    end
  end
end

-- Daily buckets older than the window go, at most once a day per visitor.
if accepted > 0 and (num('${F.windowsPrunedDay}') or 0) < today then
  for _, field in ipairs(redis.call('HKEYS', W)) do
    local day = tonumber(string.match(field, '^(%d+):'))
    if day and day < oldestDay then redis.call('HDEL', W, field) end
  end
  put('${F.windowsPrunedDay}', int(today))
end

if accepted > 0 then
  for _, key in ipairs({ P, W, R, X, S }) do redis.call('EXPIRE', key, retention) end
end
if redis.call('EXISTS', D_TODAY) == 1 then redis.call('EXPIRE', D_TODAY, dedupTtl) end

return {
  'applied',
  accepted,
  duplicates,
${PROFILE_SNAPSHOT}
}
`;
