import { ACTIVITY_BUCKET_PREFIX, AFFINITY_PREFIX, CORE_FIELDS as F, HOUR_BUCKET_PREFIX, HOURLY_WINDOW_HOURS } from '../profile-fields';
import { DUPLICATES_COUNTER } from '../../analytics/site-counts';
import { AFFINITY_LUA } from './affinity-lua';
import { FUNNEL_ADVANCE_LUA, FUNNEL_COUNT_LUA, FUNNEL_READ_LUA, FUNNEL_STATE_LUA, FUNNEL_TOUCH_LUA, FUNNEL_WRITE_LUA } from './funnel-progress-lua';
import { CAPPED_HASH_WRITE } from './lua-prelude';

/**
 * Applies a batch of `EventUpdate`s to one visitor in a single atomic call: one round trip per
 * ingest batch. It is the Redis twin of `store/memory/apply-updates.ts`; the store contract suite
 * holds the two to the same behaviour, so change both together.
 *
 * To keep Redis busy for as little as possible it reads every profile field the batch touches in
 * one HMGET, applies the events in order to that working copy in Lua, and writes the changes back
 * in one HSET (plus one HINCRBY per daily bucket): about twenty commands for a 20-event batch.
 *
 * KEYS: profile, windows, recent, traits, segments, dedupToday, dedupYesterday, quota, alias, steps
 *       [, the day's site-wide counters, the day's active visitors: on a single Redis only, as they
 *       live in other slots than the visitor]
 * ARGV: events JSON, sessionGapSec, halfLifeSec, recentCap, retentionSec, windowDays, maxFields,
 *       now, dedupTtlSec, quotaLimit, quotaWindowSec, returnProfile ('1' or '0'), maxWindowBuckets,
 *       maxTraits, hourlyCounters JSON (a list of counter names), journeySteps (the step record's cap)
 *       [, site counters JSON (one counter name per event), statsRetentionSec, visitorId],
 *       funnels JSON (the last: [key, windowSec] per funnel that updates name by index)
 * Returns one of:
 *   { 'applied', accepted, duplicates, segments or false, mask, reached, previousStep or false [, fields, windows, recent, traits, steps] }
 *     mask: one character per update, '1' applied, '0' skipped as a duplicate
 *     reached: funnel steps reached, `<funnel>|<entry day>|<step>` (counted here on a single Redis)
 *     previousStep: the step record's head before the batch, when the batch recorded a step
 *   { 'aliased', visitorId }   this visitor was merged into another; nothing was written
 *   { 'limited', ttl }         over the per-visitor event quota; nothing was written
 */
export const APPLY_UPDATES_SCRIPT = `
local P, W, R, X, S, D_TODAY, D_YESTERDAY, Q, A, J = KEYS[1], KEYS[2], KEYS[3], KEYS[4], KEYS[5], KEYS[6], KEYS[7], KEYS[8], KEYS[9], KEYS[10]

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
local maxWindowBuckets = tonumber(ARGV[13])
local maxTraits = tonumber(ARGV[14])
local funnelTable = cjson.decode(ARGV[#ARGV])
local hourly = {}
for _, counter in ipairs(cjson.decode(ARGV[15])) do hourly[counter] = true end
local stepCap = tonumber(ARGV[16])
local today = math.floor(now / 86400)
local oldestDay = today - windowDays
local oldestHour = math.floor(now / 3600) - ${HOURLY_WINDOW_HOURS}

local function int(n) return string.format('%d', n) end

-- 1. De-duplication: ids seen today or yesterday, or earlier in this batch, are skipped.
local ids = {}
for _, e in ipairs(events) do
  if e.dedup then ids[#ids + 1] = int(e.dedup) end
end
local seen = {}
if #ids > 0 then
  local inToday = redis.call('SMISMEMBER', D_TODAY, unpack(ids))
  local inYesterday = redis.call('SMISMEMBER', D_YESTERDAY, unpack(ids))
  for i, id in ipairs(ids) do
    if inToday[i] == 1 or inYesterday[i] == 1 then seen[id] = true end
  end
end
local fresh, newIds, duplicates, mask = {}, {}, 0, {}
for i, e in ipairs(events) do
  local id = e.dedup and int(e.dedup)
  if id and seen[id] then
    duplicates = duplicates + 1
    mask[i] = '0'
  else
    if id then
      seen[id] = true
      newIds[#newIds + 1] = id
    end
    fresh[#fresh + 1] = e
    mask[i] = '1'
  end
end

-- 2. A working copy of every profile field the batch touches, read in one HMGET.
${FUNNEL_STATE_LUA}
local names, known = {}, {}
local function touch(field)
  if not known[field] then
    known[field] = true
    names[#names + 1] = field
  end
end
for _, field in ipairs({ '${F.lastSeen}', '${F.firstSeen}', '${F.sessionStart}', '${F.sessions}', '${F.windowsPrunedDay}' }) do touch(field) end
for _, e in ipairs(fresh) do
  for field in pairs(e.setOnSessionStart or {}) do touch(field) end
  for field in pairs(e.incr or {}) do touch(field) end
  for field in pairs(e.max or {}) do touch(field) end
  for field in pairs(e.setOnce or {}) do touch(field) end
  for field in pairs(e.set or {}) do touch(field) end
  for topic in pairs(e.affinity or {}) do touch('${AFFINITY_PREFIX}' .. topic) end
${FUNNEL_TOUCH_LUA}
end

local current = {}
local stored = redis.call('HMGET', P, unpack(names))
for i, field in ipairs(names) do
  if stored[i] then current[field] = stored[i] end
end
local nfields = redis.call('HLEN', P)
local dirty, dirtyList = {}, {}

-- A new field is only created while the hash stays under maxFields.
local function put(field, value)
  if current[field] == nil then
    if nfields >= maxFields then return end
    nfields = nfields + 1
  end
  current[field] = value
  if not dirty[field] then
    dirty[field] = true
    dirtyList[#dirtyList + 1] = field
  end
end
local function num(field) return tonumber(current[field]) end
${AFFINITY_LUA}
${FUNNEL_READ_LUA}

local windows, recentItems, traits, steps = {}, nil, nil, {}
local function countInWindow(ts, counter, delta)
  local day = math.floor(ts / 86400)
  if day >= oldestDay then
    local bucket = int(day) .. ':' .. counter
    windows[bucket] = (windows[bucket] or 0) + delta
  end
  local hour = math.floor(ts / 3600)
  if hourly[counter] and hour >= oldestHour then
    local bucket = '${HOUR_BUCKET_PREFIX}' .. int(hour) .. ':' .. counter
    windows[bucket] = (windows[bucket] or 0) + delta
  end
end

-- 3. The events, in order, on the working copy.
for _, e in ipairs(fresh) do
  local ts = e.ts
  -- Hour of the week (epoch hour 0 was Thursday 00:00, hour 72 of a week that starts on Monday).
  local activity = '${ACTIVITY_BUCKET_PREFIX}' .. int((math.floor(ts / 3600) + 72) % 168)
  windows[activity] = (windows[activity] or 0) + 1
  local lastSeen = num('${F.lastSeen}')
  local opensSession = lastSeen == nil or ts - lastSeen > gap
  if lastSeen == nil or ts > lastSeen then put('${F.lastSeen}', int(ts)) end
  local firstSeen = num('${F.firstSeen}')
  if firstSeen == nil or ts < firstSeen then put('${F.firstSeen}', int(ts)) end
  if opensSession then
    put('${F.sessions}', int((num('${F.sessions}') or 0) + 1))
    put('${F.sessionStart}', int(ts))
    countInWindow(ts, '${F.sessions}', 1)
    for field, value in pairs(e.setOnSessionStart or {}) do put(field, value) end
  end
  for field, delta in pairs(e.incr or {}) do put(field, int((num(field) or 0) + delta)) end
  for field, value in pairs(e.max or {}) do
    local max = num(field)
    if max == nil or value > max then put(field, int(value)) end
  end
  for field, value in pairs(e.setOnce or {}) do
    if current[field] == nil then put(field, value) end
  end
  for field, value in pairs(e.set or {}) do put(field, value) end
  for topic, weight in pairs(e.affinity or {}) do
    local field = '${AFFINITY_PREFIX}' .. topic
    put(field, addedAffinity(current[field], weight, ts, halfLife))
  end
  for counter, delta in pairs(e.windowed or {}) do countInWindow(ts, counter, delta) end
  if e.recentItem then
    recentItems = recentItems or redis.call('LRANGE', R, 0, -1)
    local kept = { e.recentItem }
    for _, item in ipairs(recentItems) do
      if item ~= e.recentItem and #kept < recentCap then kept[#kept + 1] = item end
    end
    recentItems = kept
  end
  if e.traits then
    traits = traits or {}
    for key, value in pairs(e.traits) do traits[key] = value end
  end
${FUNNEL_ADVANCE_LUA}
  if e.step and stepCap > 0 then steps[#steps + 1] = e.step end
end
${FUNNEL_WRITE_LUA}

-- Buckets older than their window go, at most once a day per visitor.
local accepted = #fresh
if accepted > 0 and (num('${F.windowsPrunedDay}') or 0) < today then
  for _, field in ipairs(redis.call('HKEYS', W)) do
    local day = tonumber(string.match(field, '^(%d+):'))
    local hour = tonumber(string.match(field, '^${HOUR_BUCKET_PREFIX}(%d+):'))
    if (day and day < oldestDay) or (hour and hour < oldestHour) then redis.call('HDEL', W, field) end
  end
  put('${F.windowsPrunedDay}', int(today))
end

-- 4. Write back what changed.
${CAPPED_HASH_WRITE}
if #dirtyList > 0 then
  local args = {}
  for _, field in ipairs(dirtyList) do
    args[#args + 1] = field
    args[#args + 1] = current[field]
  end
  redis.call('HSET', P, unpack(args))
end
addCapped(W, windows, maxWindowBuckets, 'HINCRBY')
if recentItems then
  redis.call('DEL', R)
  redis.call('RPUSH', R, unpack(recentItems))
end
if traits then addCapped(X, traits, maxTraits, 'HSET') end
-- LPUSH puts the batch's last step at the head: newest first. A record turned off (0) goes with the next batch.
local previousStep = false
if #steps > 0 then
  previousStep = redis.call('LINDEX', J, 0)
  redis.call('LPUSH', J, unpack(steps))
end
if accepted > 0 then
  if stepCap > 0 then redis.call('LTRIM', J, 0, stepCap - 1) else redis.call('DEL', J) end
end
if #newIds > 0 then
  redis.call('SADD', D_TODAY, unpack(newIds))
  redis.call('EXPIRE', D_TODAY, dedupTtl)
end
if accepted > 0 then
  for _, key in ipairs({ P, W, R, X, S, J }) do redis.call('EXPIRE', key, retention) end
end

-- 5. Site-wide counters, in the same atomic step as de-duplication: a batch sent again counts only
-- what it adds, whether its first answer was lost on the way to Strapi or to the sender.
if #KEYS >= 12 then
  local counters = cjson.decode(ARGV[17])
  local counts = {}
  for i, flag in ipairs(mask) do
    local name = counters[i]
    if flag == '1' and name then counts[name] = (counts[name] or 0) + 1 end
  end
  if duplicates > 0 then counts['${DUPLICATES_COUNTER}'] = duplicates end
  for name, n in pairs(counts) do redis.call('HINCRBY', KEYS[11], name, n) end
  local statsRetention = tonumber(ARGV[18])
  redis.call('EXPIRE', KEYS[11], statsRetention)
  redis.call('PFADD', KEYS[12], ARGV[19])
  redis.call('EXPIRE', KEYS[12], statsRetention)
  ${FUNNEL_COUNT_LUA}
end

if ARGV[12] ~= '1' then
  return { 'applied', accepted, duplicates, redis.call('GET', S), table.concat(mask), funnelReached, previousStep }
end
return {
  'applied',
  accepted,
  duplicates,
  redis.call('GET', S),
  table.concat(mask),
  funnelReached,
  previousStep,
  redis.call('HGETALL', P),
  redis.call('HGETALL', W),
  redis.call('LRANGE', R, 0, -1),
  redis.call('HGETALL', X),
  redis.call('LRANGE', J, 0, -1),
}
`;
