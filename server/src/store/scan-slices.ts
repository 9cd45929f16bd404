/**
 * Slices of one Redis node's SCAN, so that several workers can each walk a part of the keyspace.
 *
 * SCAN visits the hash table's buckets in reverse-binary order: it increments the cursor's bits
 * from the highest bit of the table mask downwards. The cursor's lowest k bits, read reversed, are
 * therefore the top k bits of the visiting order, and only grow during a scan, whatever the table
 * size (as long as it has at least 2^k buckets) and across rehashing (a larger or smaller table
 * keeps the order of the bits it shares). Slice p of 2^k is the run of cursors whose low k bits,
 * reversed, equal p: it starts at cursor bitReverse_k(p) and ends when a returned cursor's low k
 * bits, reversed, pass p, or when the cursor is back at 0. The slices together return what a full
 * SCAN returns, with SCAN's guarantees: every key present throughout is returned at least once. A
 * call may run past the end of its slice (SCAN's COUNT is a number of keys, not of buckets), so keys
 * near a boundary can come twice, as SCAN's own duplicates can.
 *
 * Redis 7.4+ (and Valkey 8) in cluster mode keep one table per slot and put the slot number in
 * the cursor's low bits: there a node is not sliced (see `sliceBitsFor`'s callers).
 */

export interface ScanSlice {
  /** The slice's number, 0 to 2^bits - 1. */
  slice: number;
  bits: number;
}

/** The lowest `bits` bits of `value`, in reverse order. */
export const bitReverse = (value: number, bits: number): number => {
  let reversed = 0;
  for (let bit = 0; bit < bits; bit += 1) reversed = (reversed << 1) | ((value >> bit) & 1);
  return reversed;
};

/** The cursor a slice's scan starts from. */
export const sliceStartCursor = ({ slice, bits }: ScanSlice): string => String(bitReverse(slice, bits));

/** Whether the scan of a slice is over, given the cursor the last SCAN returned. */
export const sliceEnded = ({ slice, bits }: ScanSlice, cursor: string): boolean => {
  if (cursor === '0') return true;
  const lowBits = Number(BigInt(cursor) & BigInt((1 << bits) - 1));
  return bitReverse(lowBits, bits) !== slice;
};

/**
 * How many bits of slicing suit a node holding `keyCount` keys: each slice about `keysPerSlice`
 * keys or more (so that the keys returned twice at slice boundaries stay a small share), at most
 * 2^maxBits slices. The table has at least as many buckets as slices: Redis grows it to the key count.
 */
export const sliceBitsFor = (keyCount: number, keysPerSlice: number, maxBits: number): number => {
  let bits = 0;
  while (bits < maxBits && keyCount / 2 ** (bits + 1) >= keysPerSlice) bits += 1;
  return bits;
};
