import { createHmac, timingSafeEqual } from 'crypto';

/**
 * Identity verification, as Intercom does it: the site's backend, which knows who is logged in,
 * computes `userHash = hex(HMAC-SHA256(identity secret, userId))` and hands it to the page; a browser
 * may link itself to a user only with it. The comparison takes the same time whatever the input.
 */
export const expectedUserHash = (verificationKey: Buffer, userId: string): string =>
  createHmac('sha256', verificationKey).update(userId).digest('hex');

export const isValidUserHash = (verificationKey: Buffer, userId: string, userHash: unknown): boolean => {
  if (typeof userHash !== 'string' || userHash.length !== 64) return false;
  const expected = Buffer.from(expectedUserHash(verificationKey, userId), 'utf8');
  return timingSafeEqual(Buffer.from(userHash.toLowerCase(), 'utf8'), expected);
};
