/**
 * Scripts of a few lines, each one compare-and-write that must not race with other instances.
 */

/** KEYS: lock   ARGV: owner   Releases the lock only if this owner still holds it. */
export const RELEASE_LOCK_SCRIPT = `if redis.call('GET', KEYS[1]) == ARGV[1] then return redis.call('DEL', KEYS[1]) end return 0`;

/** KEYS: key   ARGV: values   Deletes the key if it holds one of the values (a user link to an erased visitor). */
export const DELETE_IF_ONE_OF_SCRIPT = `
local current = redis.call('GET', KEYS[1])
for _, value in ipairs(ARGV) do
  if current == value then return redis.call('DEL', KEYS[1]) end
end
return 0
`;

/**
 * KEYS: assignments, profile   ARGV: experiment, '<arm>|<epoch s>', retentionSec
 * Records a first exposure, only for a visitor the store holds a profile of (a read by an unknown
 * id must create nothing). Returns 1 (first), 0 (an arm was recorded before), -1 (unknown visitor).
 */
export const RECORD_EXPOSURE_SCRIPT = `
if redis.call('EXISTS', KEYS[2]) == 0 then return -1 end
local first = redis.call('HSETNX', KEYS[1], ARGV[1], ARGV[2])
redis.call('EXPIRE', KEYS[1], tonumber(ARGV[3]))
return first
`;

/**
 * KEYS: segments   ARGV: expected JSON, new JSON, retentionSec
 * Writes a visitor's membership only if the stored one is still the one the change was computed
 * from (no key reads as `[]`). Returns 1 when written, 0 when another write came first.
 */
export const WRITE_MEMBERSHIP_IF_SCRIPT = `
local current = redis.call('GET', KEYS[1]) or '[]'
if current ~= ARGV[1] then return 0 end
redis.call('SET', KEYS[1], ARGV[2], 'EX', tonumber(ARGV[3]))
return 1
`;
