/**
 * Links a user (key `{u:<hmac>}`) to a visitor unless it already has one, and keeps the link alive.
 * KEYS: user key   ARGV: visitorId, retentionSec   Returns: the user's visitor id.
 */
export const LINK_USER_SCRIPT = `
local linked = redis.call('GET', KEYS[1])
if not linked then linked = ARGV[1] end
redis.call('SET', KEYS[1], linked, 'EX', tonumber(ARGV[2]))
return linked
`;
