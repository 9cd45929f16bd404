/**
 * Lua of the Redis trigger store. Every key is under the `{trg}` hash tag; KEYS[1] is the queue
 * (it routes the script on Redis Cluster) and ARGV[1] the key base `<prefix>{trg}:` the other keys
 * are built from. Times are epoch milliseconds.
 */

const PRELUDE = `
local base = ARGV[1]
local function itemKey(id) return base .. 'i:' .. id end
local function visitorKey(visitor) return base .. 'v:' .. visitor end
`;

/**
 * ARGV: base, now, keepSec, disarmedKeepSec, ops JSON: [{ o: 'a', id, t, v, due, f, at } |
 * { o: 'd', id, t, v, at }]. An arm applies when its start is later than the check's last start and
 * than its last follow-up; a disarm when its follow-up is at least as late as the last start. A
 * disarmed check stays a minute as a tombstone that a late arm (flushed after it) cannot revive.
 */
export const APPLY_CHECKS_SCRIPT = `${PRELUDE}
local now, keep, disarmedKeep = ARGV[2], ARGV[3], ARGV[4]
for _, c in ipairs(cjson.decode(ARGV[5])) do
  local item = itemKey(c.id)
  local times = redis.call('HMGET', item, 'armedAt', 'disarmedAt')
  local armedAt, disarmedAt = tonumber(times[1] or '-1'), tonumber(times[2] or '-1')
  local new = redis.call('HSETNX', item, 'createdAt', now) == 1
  if new then
    redis.call('HSET', item, 'id', c.id, 'kind', 'check', 'trigger', c.t, 'visitorId', c.v, 'attempts', 0, 'facts', c.f or '{}', 'dueAt', c.due or 0)
  end
  if c.o == 'a' and c.at > armedAt and c.at > disarmedAt then
    redis.call('HSET', item, 'status', 'scheduled', 'armedAt', c.at, 'dueAt', c.due, 'facts', c.f)
    redis.call('PERSIST', item)
    redis.call('ZADD', KEYS[1], c.due, c.id)
  elseif c.o == 'd' and c.at >= armedAt and c.at > disarmedAt then
    redis.call('HSET', item, 'status', 'disarmed', 'disarmedAt', c.at)
    redis.call('ZREM', KEYS[1], c.id)
    redis.call('EXPIRE', item, disarmedKeep)
  elseif new then
    redis.call('DEL', item)
  end
  if redis.call('EXISTS', item) == 1 then
    redis.call('SADD', visitorKey(c.v), c.id)
    redis.call('EXPIRE', visitorKey(c.v), keep)
  end
end
return 1`;

/**
 * ARGV: base, trigger, visitor, cooldownMs, maxPerMinute (0: none), now, replacesCheck ('' none),
 *       deliveryId ('' none), dueAt, facts, recentCap, keepSec
 * Order matters: a duplicate or a cool-down consumes nothing; a firing over the rate limit does not
 * start a cool-down (the visitor may be acted on once the minute is over).
 */
export const FIRE_SCRIPT = `${PRELUDE}
local trigger, visitor, now = ARGV[2], ARGV[3], tonumber(ARGV[6])
local check, id = ARGV[7], ARGV[8]
local function dropCheck()
  if check ~= '' then
    redis.call('ZREM', KEYS[1], check)
    redis.call('DEL', itemKey(check))
    redis.call('SREM', visitorKey(visitor), check)
  end
end
if id ~= '' and redis.call('EXISTS', itemKey(id)) == 1 then dropCheck() return 'duplicate' end
local cooldown = base .. 'cd:' .. trigger .. ':' .. visitor
if redis.call('EXISTS', cooldown) == 1 then dropCheck() return 'cooldown' end
local max = tonumber(ARGV[5])
if max > 0 then
  local rate = base .. 'rate:' .. trigger .. ':' .. math.floor(now / 60000)
  local count = redis.call('INCR', rate)
  redis.call('EXPIRE', rate, 120)
  if count > max then dropCheck() return 'rate-limited' end
end
redis.call('SET', cooldown, '1', 'PX', ARGV[4])
dropCheck()
if id ~= '' then
  local dueAt = tonumber(ARGV[9])
  local status = 'pending'
  if dueAt > now then status = 'scheduled' end
  redis.call('HSET', itemKey(id), 'id', id, 'kind', 'delivery', 'trigger', trigger, 'visitorId', visitor, 'status', status,
    'dueAt', dueAt, 'createdAt', now, 'attempts', 0, 'facts', ARGV[10])
  redis.call('ZADD', KEYS[1], dueAt, id)
  redis.call('SADD', visitorKey(visitor), id)
  redis.call('EXPIRE', visitorKey(visitor), ARGV[12])
  redis.call('ZADD', base .. 'recent', now, id)
  redis.call('ZREMRANGEBYRANK', base .. 'recent', 0, -(tonumber(ARGV[11]) + 1))
end
return 'fired'`;

/**
 * ARGV: base, now, limit, leaseMs. Due items are re-scored to the end of their lease in the same
 * script that returns them: no other instance sees them until then.
 */
export const CLAIM_SCRIPT = `${PRELUDE}
local now = tonumber(ARGV[2])
local ids = redis.call('ZRANGEBYSCORE', KEYS[1], '-inf', now, 'LIMIT', 0, tonumber(ARGV[3]))
local claimed = {}
for _, id in ipairs(ids) do
  local item = itemKey(id)
  if redis.call('EXISTS', item) == 0 then
    redis.call('ZREM', KEYS[1], id)
  else
    redis.call('ZADD', KEYS[1], now + tonumber(ARGV[4]), id)
    if redis.call('HGET', item, 'kind') == 'delivery' then redis.call('HINCRBY', item, 'attempts', 1) end
    claimed[#claimed + 1] = redis.call('HGETALL', item)
  end
end
return claimed`;

/**
 * ARGV: base, id, body. Only onto an item that still exists: a visitor erased while their delivery
 * was being built must not get a husk of it back (with their id in the body).
 */
export const SAVE_BODY_SCRIPT = `${PRELUDE}
if redis.call('EXISTS', itemKey(ARGV[2])) == 0 then return 0 end
redis.call('HSET', itemKey(ARGV[2]), 'body', ARGV[3])
return 1`;

/** ARGV: base, id, status, now, retryAt, httpStatus ('' none), error, keepSettledSec, keepDeadSec */
export const SETTLE_SCRIPT = `${PRELUDE}
local id, status = ARGV[2], ARGV[3]
local item = itemKey(id)
if redis.call('EXISTS', item) == 0 then redis.call('ZREM', KEYS[1], id) return 0 end
if status == 'dropped' then
  redis.call('ZREM', KEYS[1], id)
  redis.call('SREM', visitorKey(redis.call('HGET', item, 'visitorId')), id)
  redis.call('DEL', item)
  return 1
end
redis.call('HSET', item, 'status', status, 'lastStatus', ARGV[6], 'lastError', ARGV[7])
if status == 'pending' then
  redis.call('HSET', item, 'dueAt', ARGV[5])
  redis.call('ZADD', KEYS[1], ARGV[5], id)
elseif status == 'delivered' then
  redis.call('ZREM', KEYS[1], id)
  redis.call('HSET', item, 'deliveredAt', ARGV[4])
  redis.call('EXPIRE', item, ARGV[8])
else
  redis.call('ZREM', KEYS[1], id)
  redis.call('ZADD', base .. 'dead', ARGV[4], id)
  redis.call('EXPIRE', item, ARGV[9])
end
return 1`;

/** ARGV: base, id, now */
export const REPLAY_SCRIPT = `${PRELUDE}
local id = ARGV[2]
local item = itemKey(id)
if not redis.call('ZSCORE', base .. 'dead', id) or redis.call('EXISTS', item) == 0 then return 0 end
redis.call('ZREM', base .. 'dead', id)
redis.call('HSET', item, 'status', 'pending', 'attempts', 0, 'dueAt', ARGV[3], 'lastError', '')
redis.call('PERSIST', item)
redis.call('ZADD', KEYS[1], ARGV[3], id)
return 1`;

/** ARGV: base, visitorCount, ...visitors, ...triggers */
export const ERASE_SCRIPT = `${PRELUDE}
local visitors = tonumber(ARGV[2])
local held = 0
for v = 3, 2 + visitors do
  local visitor = ARGV[v]
  for _, id in ipairs(redis.call('SMEMBERS', visitorKey(visitor))) do
    redis.call('ZREM', KEYS[1], id)
    redis.call('ZREM', base .. 'recent', id)
    redis.call('ZREM', base .. 'dead', id)
    held = held + redis.call('DEL', itemKey(id))
  end
  held = held + redis.call('DEL', visitorKey(visitor))
  for t = 3 + visitors, #ARGV do
    held = held + redis.call('DEL', base .. 'cd:' .. ARGV[t] .. ':' .. visitor)
  end
end
return held`;
