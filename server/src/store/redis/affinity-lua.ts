import { AFFINITY_SCALE } from '../profile-fields';

/**
 * Topic affinity, the Lua definition shared by the scripts that write it (`apply-updates-script.ts`,
 * the profile-hash prelude of `merge-script.ts`). The twin of `store/affinity.ts`, which the memory
 * driver and the profile view use; the contract suite runs both on the same inputs.
 *
 * `addedAffinity(stored, weight, ts, halfLife)`: the stored value (`<milli-score>|<epoch s>`, or nil)
 * after adding `weight` scored at `ts`, both decayed to the later of the two times, never below 0.
 */
export const AFFINITY_LUA = `
local AFFINITY_LN2 = math.log(2)
local function decayAffinity(score, from, to, halfLife)
  return score * math.exp(-AFFINITY_LN2 * (to - from) / halfLife)
end
local function addedAffinity(stored, weight, ts, halfLife)
  local score, at = 0, ts
  local milli, storedAt = nil, nil
  if stored then milli, storedAt = string.match(stored, '^(%d+)|(%d+)$') end
  if milli then score, at = tonumber(milli) / ${AFFINITY_SCALE}, tonumber(storedAt) end
  local ref = math.max(at, ts)
  local value = decayAffinity(score, at, ref, halfLife) + decayAffinity(weight, ts, ref, halfLife)
  return string.format('%d', math.max(0, math.floor(value * ${AFFINITY_SCALE} + 0.5))) .. '|' .. string.format('%d', ref)
end
`;
