import { AFFINITY_PREFIX } from '../profile-fields';
import { AFFINITY_LUA } from './affinity-lua';

/**
 * Helpers shared by the scripts that write a profile hash. Expects `P` (the profile key),
 * `maxFields` and `halfLife` to be defined before it. Mirrors `store/memory/profile-hash.ts`.
 */
export const PROFILE_HASH_PRELUDE = `
${AFFINITY_LUA}
local nfields = redis.call('HLEN', P)

local function int(n) return string.format('%d', n) end

-- A new field is only created while the hash stays under maxFields.
local function room(field)
  return nfields < maxFields or redis.call('HEXISTS', P, field) == 1
end
local function put(field, value)
  if room(field) then nfields = nfields + redis.call('HSET', P, field, value) end
end
local function putIfAbsent(field, value)
  if room(field) then nfields = nfields + redis.call('HSETNX', P, field, value) end
end
local function add(field, delta)
  if room(field) then
    if redis.call('HEXISTS', P, field) == 0 then nfields = nfields + 1 end
    redis.call('HINCRBY', P, field, delta)
  end
end
local function num(field) return tonumber(redis.call('HGET', P, field)) end
local function putMax(field, value)
  local current = num(field)
  if current == nil or value > current then put(field, int(value)) end
end
local function putMin(field, value)
  local current = num(field)
  if current == nil or value < current then put(field, int(value)) end
end

-- Adds weight (scored at time ts) to a topic's affinity, both decayed to the later of the two times.
local function addAffinity(topic, weight, ts)
  local field = '${AFFINITY_PREFIX}' .. topic
  put(field, addedAffinity(redis.call('HGET', P, field), weight, ts, halfLife))
end
`;

/** What a writing script returns after its changes: the visitor's whole profile. */
export const PROFILE_SNAPSHOT = `
  redis.call('HGETALL', P),
  redis.call('HGETALL', W),
  redis.call('LRANGE', R, 0, -1),
  redis.call('HGETALL', X),
  redis.call('GET', S),
`;

/**
 * `addCapped(key, values, cap, command)`: writes field -> value pairs into a hash with `command`
 * (HINCRBY adds, HSET sets), creating new fields only while the hash holds fewer than `cap`; fields
 * that exist are always written. One HLEN, and HEXISTS only when the cap is near.
 */
export const CAPPED_HASH_WRITE = `
local function addCapped(key, values, cap, command)
  local size = redis.call('HLEN', key)
  local count = 0
  for _ in pairs(values) do count = count + 1 end
  for field, value in pairs(values) do
    if size + count <= cap or redis.call('HEXISTS', key, field) == 1 then
      redis.call(command, key, field, value)
    elseif size < cap then
      redis.call(command, key, field, value)
      size = size + 1
    end
  end
end
`;
