/**
 * The Redis driver's Lua scripts. Each touches one hash slot: a visitor's history (`{v:<id>}`), or
 * one content type's co-engagement (`{r:<uid>}`). Numbers travel as strings formatted by
 * JavaScript and parsed by Redis's strtod, so both drivers add exactly the same doubles.
 */

/**
 * KEYS[1]: the visitor's history. ARGV: historySize, retentionSec, then (item, at) pairs.
 * Returns the history as it was (flat item, at), then adds the items (a re-engaged item keeps its
 * latest time: GT) and keeps the newest `historySize`. Read and write in one script, so that two
 * instances flushing the same visitor pair each item once.
 */
export const RECORD_HISTORY_SCRIPT = `
local previous = redis.call('ZRANGE', KEYS[1], 0, -1, 'WITHSCORES')
for i = 3, #ARGV, 2 do
  redis.call('ZADD', KEYS[1], 'GT', ARGV[i + 1], ARGV[i])
end
redis.call('ZREMRANGEBYRANK', KEYS[1], 0, -(tonumber(ARGV[1]) + 1))
redis.call('EXPIRE', KEYS[1], ARGV[2])
return previous
`;

/**
 * KEYS: the content type's popularity sets first (site-wide, then segments), then neighbour sets.
 * ARGV: maxItems, maxNeighbours, retentionSec, how many of KEYS are popularity sets, then for each
 * key in order: a count, then that many (member, increment) pairs. Each set is incremented,
 * trimmed to its bound (the lowest scores go) and given the retention again.
 */
export const RECORD_PAIRS_SCRIPT = `
local maxItems = tonumber(ARGV[1])
local maxNeighbours = tonumber(ARGV[2])
local popularityKeys = tonumber(ARGV[4])
local at = 5
for k = 1, #KEYS do
  local count = tonumber(ARGV[at])
  at = at + 1
  for i = 1, count do
    redis.call('ZINCRBY', KEYS[k], ARGV[at + 1], ARGV[at])
    at = at + 2
  end
  local bound = maxNeighbours
  if k <= popularityKeys then bound = maxItems end
  redis.call('ZREMRANGEBYRANK', KEYS[k], 0, -(bound + 1))
  redis.call('EXPIRE', KEYS[k], ARGV[3])
end
return 1
`;

/**
 * KEYS[1]: the content type's popularity; KEYS[2..]: neighbour sets of the items ARGV[2..] name
 * (same order). ARGV[1]: how many neighbours to read per item. Returns per item: its own stored
 * engagement (or nil), its best neighbours (flat documentId, co-engagement), and their stored
 * engagement (nil where trimmed). One script per content type: one round trip per request.
 */
export const READ_NEIGHBOURS_SCRIPT = `
local count = tonumber(ARGV[1])
local own = redis.call('ZMSCORE', KEYS[1], unpack(ARGV, 2))
local out = {}
for k = 2, #KEYS do
  local flat = redis.call('ZREVRANGE', KEYS[k], 0, count - 1, 'WITHSCORES')
  local members = {}
  for i = 1, #flat, 2 do members[#members + 1] = flat[i] end
  local engagement = {}
  if #members > 0 then engagement = redis.call('ZMSCORE', KEYS[1], unpack(members)) end
  out[#out + 1] = { own[k - 1] or '0', flat, engagement }
end
return out
`;
