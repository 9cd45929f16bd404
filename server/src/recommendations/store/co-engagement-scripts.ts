/**
 * The Redis driver's Lua scripts. Each touches one hash slot: a visitor's history (`{v:<id>}`), or
 * one content type's co-engagement (`{r:<uid>}`). Numbers travel as strings formatted by
 * JavaScript and parsed by Redis's strtod, so both drivers add exactly the same doubles.
 */

/**
 * KEYS: visitors' histories (one on a Cluster, where each visitor has its own slot). ARGV:
 * historySize, retentionSec, then for each key in order: a count, then that many (item, at) pairs.
 * Returns each history as it was (flat item, at), then adds the items (a re-engaged item keeps its
 * latest time: GT) and keeps the newest `historySize`. Read and write in one script, so that two
 * instances flushing the same visitor pair each item once; many visitors in one script, because
 * the call itself cost more than the work (12 against 9 µs of Redis, 20 against 9 µs of Node, per
 * visitor).
 */
export const RECORD_HISTORY_SCRIPT = `
local trimTo = -(tonumber(ARGV[1]) + 1)
local retention = ARGV[2]
local replies = {}
local at = 3
for k = 1, #KEYS do
  local key = KEYS[k]
  replies[k] = redis.call('ZRANGE', key, 0, -1, 'WITHSCORES')
  local last = at + 2 * tonumber(ARGV[at])
  for i = at + 1, last, 2 do
    redis.call('ZADD', key, 'GT', ARGV[i + 1], ARGV[i])
  end
  at = last + 1
  redis.call('ZREMRANGEBYRANK', key, 0, trimTo)
  redis.call('EXPIRE', key, retention)
end
return replies
`;

/**
 * KEYS: the content type's popularity sets first (sorted sets: site-wide, then segments), then
 * neighbour sets (hashes). ARGV: maxItems, maxNeighbours, retentionSec, how many of KEYS are
 * popularity sets, the neighbour sets' trim slack, then for each key in order: a count, then that
 * many (member, increment) pairs. Popularity sets are trimmed to their bound at once (the lowest
 * scores go); a neighbour set once it passes its bound by the slack, back to the bound (lowest
 * value, then lowest member, go first), so that the trim's full read is paid once per `slack` new
 * neighbours. Every set gets the retention again.
 *
 * Neighbours are hashes, not sorted sets: on a 100-member listpack a ZINCRBY re-sorts by parsing
 * every score (30 µs measured, against 4.5 µs for HINCRBYFLOAT), and pairs are most of the writes.
 */
export const RECORD_PAIRS_SCRIPT = `
local maxItems = tonumber(ARGV[1])
local maxNeighbours = tonumber(ARGV[2])
local popularityKeys = tonumber(ARGV[4])
local slack = tonumber(ARGV[5])
local at = 6
for k = 1, #KEYS do
  local count = tonumber(ARGV[at])
  at = at + 1
  if k <= popularityKeys then
    for i = 1, count do
      redis.call('ZINCRBY', KEYS[k], ARGV[at + 1], ARGV[at])
      at = at + 2
    end
    redis.call('ZREMRANGEBYRANK', KEYS[k], 0, -(maxItems + 1))
  else
    for i = 1, count do
      redis.call('HINCRBYFLOAT', KEYS[k], ARGV[at], ARGV[at + 1])
      at = at + 2
    end
    local size = redis.call('HLEN', KEYS[k])
    if size > maxNeighbours + slack then
      -- Drop the (size - maxNeighbours) lowest by value, then by member. Numbers and strings are
      -- sorted with Lua's own comparison: a Lua comparator function costs ten times more.
      local flat = redis.call('HGETALL', KEYS[k])
      local values = {}
      for i = 2, #flat, 2 do values[#values + 1] = tonumber(flat[i]) end
      table.sort(values)
      local dropCount = size - maxNeighbours
      local threshold = values[dropCount]
      local drop, ties = {}, {}
      for i = 1, #flat, 2 do
        local value = tonumber(flat[i + 1])
        if value < threshold then drop[#drop + 1] = flat[i] elseif value == threshold then ties[#ties + 1] = flat[i] end
      end
      table.sort(ties)
      for i = 1, dropCount - #drop do drop[#drop + 1] = ties[i] end
      redis.call('HDEL', KEYS[k], unpack(drop))
    end
  end
  redis.call('EXPIRE', KEYS[k], ARGV[3])
end
return 1
`;

/**
 * KEYS[1]: the content type's popularity; KEYS[2..]: neighbour sets of the items ARGV[2..] name
 * (same order). ARGV[1]: how many neighbours to read per item. Returns per item: its own stored
 * engagement (or '0'), its neighbours with the most co-engagement (flat documentId, value as
 * stored: no number is formatted; ties at the cut by documentId, descending), and their stored
 * engagement (nil where trimmed). Formatting a score costs Redis about a microsecond, so only the
 * kept neighbours' engagement is read. One script per content type: one round trip per request.
 */
export const READ_NEIGHBOURS_SCRIPT = `
local count = tonumber(ARGV[1])
local own = redis.call('ZMSCORE', KEYS[1], unpack(ARGV, 2))
local out = {}
for k = 2, #KEYS do
  local flat = redis.call('HGETALL', KEYS[k])
  local kept = flat
  if #flat / 2 > count then
    -- The count-th largest value, by Lua's own number sort (a comparator function costs ten times more).
    local values = {}
    for i = 2, #flat, 2 do values[#values + 1] = tonumber(flat[i]) end
    table.sort(values)
    local threshold = values[#values - count + 1]
    kept = {}
    local ties = {}
    for i = 1, #flat, 2 do
      local value = tonumber(flat[i + 1])
      if value > threshold then
        kept[#kept + 1] = flat[i]
        kept[#kept + 1] = flat[i + 1]
      elseif value == threshold then
        ties[#ties + 1] = flat[i]
        ties[flat[i]] = flat[i + 1]
      end
    end
    table.sort(ties)
    for i = #ties, #ties - (count - #kept / 2) + 1, -1 do
      kept[#kept + 1] = ties[i]
      kept[#kept + 1] = ties[ties[i]]
    end
  end
  local members = {}
  for i = 1, #kept, 2 do members[#members + 1] = kept[i] end
  local engagement = {}
  if #members > 0 then engagement = redis.call('ZMSCORE', KEYS[1], unpack(members)) end
  out[#out + 1] = { own[k - 1] or '0', kept, engagement }
end
return out
`;
