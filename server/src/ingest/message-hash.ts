/**
 * 31-bit FNV-1a hash of a messageId. Dedup sets hold these small integers (a compact intset in
 * Redis) rather than the ids; two distinct ids of one visitor collide with probability about
 * n²/2³² for n ids in the two-day window.
 */
export const messageHash = (messageId: string): number => {
  let hash = 0x811c9dc5;
  for (let i = 0; i < messageId.length; i++) {
    hash ^= messageId.charCodeAt(i);
    hash = Math.imul(hash, 0x01000193);
  }
  return (hash >>> 0) & 0x7fffffff;
};
