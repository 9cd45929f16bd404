import { createHmac, timingSafeEqual } from 'crypto';
import { isValidVisitorId } from '../store/keys';

/**
 * A visitor's credential, `<visitorId>.<mac>`: what the visitor cookie holds and what the ingest
 * answer returns as `visitorToken`. The id alone is a pseudonym that may be shown anywhere (meta,
 * admin lists) because it grants nothing; only this signed form reads, erases or merges a profile.
 */
const MAC_LENGTH = 43;

const sign = (tokenKey: Buffer, visitorId: string): string =>
  createHmac('sha256', tokenKey).update(visitorId).digest('base64url');

export const createVisitorToken = (tokenKey: Buffer, visitorId: string): string =>
  `${visitorId}.${sign(tokenKey, visitorId)}`;

/** The visitor id the token was issued for, or null; the signature is compared in constant time. */
export const verifyVisitorToken = (tokenKey: Buffer, token: unknown): string | null => {
  if (typeof token !== 'string' || token.length > 200) return null;
  const dot = token.lastIndexOf('.');
  if (dot <= 0 || token.length - dot - 1 !== MAC_LENGTH) return null;
  const visitorId = token.slice(0, dot);
  if (!isValidVisitorId(visitorId)) return null;
  const given = Buffer.from(token.slice(dot + 1), 'utf8');
  const expected = Buffer.from(sign(tokenKey, visitorId), 'utf8');
  return given.length === expected.length && timingSafeEqual(given, expected) ? visitorId : null;
};
