import { FUNNEL_COUNTER_PREFIX } from '../../funnels/funnel-counters';
import { FUNNEL_PREFIX } from '../profile-fields';

/**
 * The Lua twin of `funnels/funnel-progress.ts` for the apply script, on its working copy (`current`,
 * `put`), in three parts so that the work per event is a few integer checks (the script runs them
 * for every event and every funnel it is a step of):
 *
 * - FUNNEL_TOUCH_LUA, for each update `e` before the HMGET: the batch's funnels (`funnelTable`,
 *   `[key, windowSec]` by 1-based index) its hits name, each field read once;
 * - FUNNEL_ADVANCE_LUA, for each applied update `e` at `ts`: advances the progress of each funnel it
 *   is a step of (`mask`: bit k-1 for step k);
 * - FUNNEL_WRITE_LUA, after the events: writes each changed progress once and notes the steps reached
 *   for the first time for their entry day in `funnelReached` (`<funnel>|<day>|<step>`), unless the
 *   field cap left the progress unstored (it would count again at every event).
 */
export const FUNNEL_STATE_LUA = `
local funnelOrder, funnelTouched, fStep, fEntry, fCounted, fChanged, fReached = {}, {}, {}, {}, {}, {}, {}
local funnelReached = {}
local band, lshift = bit.band, bit.lshift
`;

export const FUNNEL_TOUCH_LUA = `
  local hits = e.funnels
  if hits then
    for at = 1, #hits - 1, 2 do
      local index = hits[at] + 1
      if funnelTable[index] and not funnelTouched[index] then
        funnelTouched[index] = true
        funnelOrder[#funnelOrder + 1] = index
        touch('${FUNNEL_PREFIX}' .. funnelTable[index][1])
      end
    end
  end
`;

/** After the HMGET: each touched funnel's stored progress, parsed once. */
export const FUNNEL_READ_LUA = `
for _, index in ipairs(funnelOrder) do
  local stored = current['${FUNNEL_PREFIX}' .. funnelTable[index][1]]
  local r, e, c = nil, nil, nil
  if stored then r, e, c = string.match(stored, '^(%d+)|(%d+)|(%d+)$') end
  if r then fStep[index], fEntry[index], fCounted[index] = tonumber(r), tonumber(e), tonumber(c) end
end
`;

export const FUNNEL_ADVANCE_LUA = `
  local hits = e.funnels
  if hits then
    for at = 1, #hits - 1, 2 do
      local index = hits[at] + 1
      local funnel = funnelTable[index]
      if funnel then
        local mask, window, step, entry = hits[at + 1], funnel[2], fStep[index], fEntry[index]
        local advanced = nil
        if step and ts >= entry and ts - entry <= window then
          -- Step k+1 is bit k.
          if band(mask, lshift(1, step)) ~= 0 then advanced = step + 1 end
        elseif band(mask, 1) ~= 0 and not (step and ts - entry <= window) then
          -- A new attempt (none yet, or the window has passed; never from an event older than the entry).
          if not (step and math.floor(entry / 86400) == math.floor(ts / 86400)) then fCounted[index] = 0 end
          fEntry[index] = ts
          advanced = 1
        end
        if advanced then
          fStep[index], fChanged[index] = advanced, true
          if advanced > fCounted[index] then
            fCounted[index] = advanced
            local reached = fReached[index] or {}
            reached[#reached + 1] = int(math.floor(fEntry[index] / 86400)) .. '|' .. int(advanced)
            fReached[index] = reached
          end
        end
      end
    end
  end
`;

export const FUNNEL_WRITE_LUA = `
for _, index in ipairs(funnelOrder) do
  if fChanged[index] then
    local key = funnelTable[index][1]
    local field = '${FUNNEL_PREFIX}' .. key
    put(field, int(fStep[index]) .. '|' .. int(fEntry[index]) .. '|' .. int(fCounted[index]))
    if current[field] then
      for _, reached in ipairs(fReached[index] or {}) do funnelReached[#funnelReached + 1] = key .. '|' .. reached end
    end
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
  local expiring = {}
  for _, item in ipairs(funnelReached) do
    local funnel, day, step = string.match(item, '^(.*)|(%d+)|(%d+)$')
    local key = statsPrefix .. day
    local name = '${FUNNEL_COUNTER_PREFIX}' .. funnel .. ':' .. step
    redis.call('HINCRBY', key, name, 1)
    for _, segment in ipairs(memberOf) do redis.call('HINCRBY', key, name .. ':' .. segment, 1) end
    expiring[key] = true
  end
  for key in pairs(expiring) do redis.call('EXPIRE', key, statsRetention) end
end
`;
