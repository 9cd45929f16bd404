import { FUNNEL_COUNTER_PREFIX } from '../../funnels/funnel-counters';
import { FUNNEL_PREFIX } from '../profile-fields';

/**
 * The Lua twin of `funnels/funnel-progress.ts`, for the apply script: `advanceFunnel(hit, ts)`
 * advances the visitor's progress field on the script's working copy (`current`, `put`) and notes
 * each step reached for the first time for its entry day in `funnelReached`
 * (`<funnel>|<day>|<step>`). Integer checks only: which steps an event is was decided in JS.
 */
export const FUNNEL_PROGRESS_LUA = `
local funnelReached = {}
local function advanceFunnel(hit, ts)
  local field = '${FUNNEL_PREFIX}' .. hit.funnel
  local reached, entry, counted = nil, nil, nil
  if current[field] then
    local r, e, c = string.match(current[field], '^(%d+)|(%d+)|(%d+)$')
    if r then reached, entry, counted = tonumber(r), tonumber(e), tonumber(c) end
  end
  local has = {}
  for _, step in ipairs(hit.steps) do has[step] = true end
  local window = hit.windowSec
  if reached and ts >= entry and ts - entry <= window then
    if not has[reached + 1] then return end
    reached = reached + 1
  else
    -- No restart before the window has passed, nor from an event older than the entry.
    if reached and ts - entry <= window then return end
    if not has[1] then return end
    if not (reached and math.floor(entry / 86400) == math.floor(ts / 86400)) then counted = 0 end
    reached, entry = 1, ts
  end
  local counts = reached > counted
  if counts then counted = reached end
  put(field, int(reached) .. '|' .. int(entry) .. '|' .. int(counted))
  -- A progress the field cap left unstored counts nothing: it would count again at every event.
  if counts and current[field] then
    funnelReached[#funnelReached + 1] = hit.funnel .. '|' .. int(math.floor(entry / 86400)) .. '|' .. int(reached)
  end
end
`;

/**
 * Counts \`funnelReached\` in the entry days' site-wide counters (\`funnels/funnel-counters.ts\`),
 * per segment the visitor belongs to as stored. Only on a single Redis (the counted variant of the
 * script, whose KEYS[11] is today's counters): an entry day's key is built from today's, as the
 * entry day is known only here. (A script may use keys it was not given on a single Redis; on a
 * Cluster the caller counts instead.)
 */
export const FUNNEL_COUNT_LUA = `
if #funnelReached > 0 then
  local statsPrefix = string.match(KEYS[11], '^(.*:)%d+$')
  local memberOf = cjson.decode(redis.call('GET', S) or '[]')
  for _, item in ipairs(funnelReached) do
    local funnel, day, step = string.match(item, '^(.*)|(%d+)|(%d+)$')
    local key = statsPrefix .. day
    local name = '${FUNNEL_COUNTER_PREFIX}' .. funnel .. ':' .. step
    redis.call('HINCRBY', key, name, 1)
    for _, segment in ipairs(memberOf) do redis.call('HINCRBY', key, name .. ':' .. segment, 1) end
    redis.call('EXPIRE', key, statsRetention)
  end
end
`;
