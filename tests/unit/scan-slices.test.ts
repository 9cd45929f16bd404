import { bitReverse, sliceBitsFor, sliceEnded, sliceStartCursor } from '../../server/src/store/scan-slices';

describe('slices of a SCAN', () => {
  it('reverses the low bits', () => {
    expect([0, 1, 2, 3, 4, 5, 6, 7].map((value) => bitReverse(value, 3))).toEqual([0, 4, 2, 6, 1, 5, 3, 7]);
    expect(bitReverse(0b1011_0001, 4)).toBe(0b1000);
    expect(bitReverse(5, 0)).toBe(0);
  });

  it('starts each slice at its first cursor in reverse-binary order', () => {
    expect([0, 1, 2, 3].map((slice) => sliceStartCursor({ slice, bits: 2 }))).toEqual(['0', '2', '1', '3']);
    expect(sliceStartCursor({ slice: 0, bits: 0 })).toBe('0');
  });

  it('ends a slice when the cursor moves into the next one or wraps to 0', () => {
    // Table of 16 buckets, 4 slices: the visiting order is 0 8 4 12 | 2 10 6 14 | 1 9 5 13 | 3 11 7 15.
    const order = [0, 8, 4, 12, 2, 10, 6, 14, 1, 9, 5, 13, 3, 11, 7, 15];
    const slices = [0, 1, 2, 3].map((slice) => order.filter((cursor) => !sliceEnded({ slice, bits: 2 }, String(cursor)) || (cursor === 0 && slice === 0)));
    expect(slices).toEqual([
      [0, 8, 4, 12],
      [2, 10, 6, 14],
      [1, 9, 5, 13],
      [3, 11, 7, 15],
    ]);
    expect(sliceEnded({ slice: 3, bits: 2 }, '0')).toBe(true);
    expect(sliceEnded({ slice: 0, bits: 0 }, '123')).toBe(false);
    // Cursors past 2^53 (large tables) are read exactly.
    expect(sliceEnded({ slice: 1, bits: 1 }, '18446744073709551615')).toBe(false);
    expect(sliceEnded({ slice: 0, bits: 1 }, '18446744073709551614')).toBe(false);
  });

  it('slices a node in proportion to its keys', () => {
    expect(sliceBitsFor(100, 1_000, 8)).toBe(0);
    expect(sliceBitsFor(2_000, 1_000, 8)).toBe(1);
    expect(sliceBitsFor(70_000_000, 30_000, 8)).toBe(8);
    expect(sliceBitsFor(70_000_000, 30_000, 0)).toBe(0);
  });
});
