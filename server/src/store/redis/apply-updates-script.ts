/**
 * Applies a batch of `EventUpdate`s to one visitor in a single atomic call: one round trip per
 * ingest batch. It is the Redis twin of `store/memory/apply-updates.ts`; the store contract suite
 * holds the two to the same behaviour, so change both together.
 *
 * KEYS: profile, windows, recent, traits, segments, dedupToday, dedupYesterday
 * ARGV: events JSON, sessionGapSec, halfLifeSec, recentCap, retentionSec, windowDays, maxFields,
 *       now, dedupTtlSec
 * Returns: { accepted, duplicates, profile fields, windows, recent, traits, segments JSON or false }
 */
import { AFFINITY_PREFIX, AFFINITY_SCALE, CORE_FIELDS as F } from '../profile-fields';

export const APPLY_UPDATES_SCRIPT = `
local P, W, R, X, S, D_TODAY, D_YESTERDAY = KEYS[1], KEYS[2], KEYS[3], KEYS[4], KEYS[5], KEYS[6], KEYS[7]
local events = cjson.decode(ARGV[1])
local gap = tonumber(ARGV[2])
local halfLife = tonumber(ARGV[3])
local recentCap = tonumber(ARGV[4])
local retention = tonumber(ARGV[5])
local windowDays = tonumber(ARGV[6])
local maxFields = tonumber(ARGV[7])
local now = tonumber(ARGV[8])
local dedupTtl = tonumber(ARGV[9])

local LN2 = math.log(2)
local today = math.floor(now / 86400)
local oldestDay = today - windowDays
local nfields = redis.call('HLEN', P)
local accepted, duplicates = 0, 0

local function int(n) return string.format('%d', n) end

-- A new field is only created while the hash stays under maxFields.
local function room(field)
  return nfields < maxFields or redis.call('HEXISTS', P, field) == 1
end
local function put(field, value)
  if room(field) then nfields = nfields + redis.call('HSET', P, field, value) end
end
local function add(field, delta)
  if room(field) then
    if redis.call('HEXISTS', P, field) == 0 then nfields = nfields + 1 end
    redis.call('HINCRBY', P, field, delta)
  end
end
local function num(field) return tonumber(redis.call('HGET', P, field)) end
local function decay(score, from, to) return score * math.exp(-LN2 * (to - from) / halfLife) end

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
    local firstSeen = num('${F.firstSeen}')
    if firstSeen == nil or ts < firstSeen then put('${F.firstSeen}', int(ts)) end
    if opensSession then
      add('${F.sessions}', 1)
      put('${F.sessionStart}', int(ts))
      if e.setOnSessionStart then
        for field, value in pairs(e.setOnSessionStart) do put(field, value) end
      end
    end
    if e.incr then
      for field, delta in pairs(e.incr) do add(field, delta) end
    end
    if e.max then
      for field, value in pairs(e.max) do
        local current = num(field)
        if current == nil or value > current then put(field, int(value)) end
      end
    end
    if e.setOnce then
      for field, value in pairs(e.setOnce) do
        if room(field) then nfields = nfields + redis.call('HSETNX', P, field, value) end
      end
    end
    if e.set then
      for field, value in pairs(e.set) do put(field, value) end
    end
    if e.affinity then
      for topic, weight in pairs(e.affinity) do
        local field = '${AFFINITY_PREFIX}' .. topic
        local score, at = 0, ts
        local stored = redis.call('HGET', P, field)
        if stored then
          local milli, storedAt = string.match(stored, '^(%d+)|(%d+)$')
          score, at = tonumber(milli) / ${AFFINITY_SCALE}, tonumber(storedAt)
        end
        local ref = math.max(at, ts)
        local value = decay(score, at, ref) + decay(weight, ts, ref)
        put(field, int(math.floor(value * ${AFFINITY_SCALE} + 0.5)) .. '|' .. int(ref))
      end
    end
    if e.windowed then
      local day = math.floor(ts / 86400)
      if day >= oldestDay then
        for counter, delta in pairs(e.windowed) do
          redis.call('HINCRBY', W, int(day) .. ':' .. counter, delta)
        end
      end
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
  accepted,
  duplicates,
  redis.call('HGETALL', P),
  redis.call('HGETALL', W),
  redis.call('LRANGE', R, 0, -1),
  redis.call('HGETALL', X),
  redis.call('GET', S),
}
`;
