import { createHmac, timingSafeEqual } from 'crypto';
import { isValidVisitorId } from '../store/keys';

/**
 * A signed visitor token, `<visitorId>.<signature>`, proves that the caller was given this visitor
 * id by us (the ingest response returns it). Reading or erasing a profile needs the cookie or this
 * token, never a bare id.
 */
const sign = (secret: Buffer, visitorId: string): string =>
  createHmac('sha256', secret).update(`visitor:${visitorId}`).digest('base64url');

export const createVisitorToken = (secret: Buffer, visitorId: string): string =>
  `${visitorId}.${sign(secret, visitorId)}`;

/** The visitor id the token was issued for, or null; the signature is compared in constant time. */
export const verifyVisitorToken = (secret: Buffer, token: unknown): string | null => {
  if (typeof token !== 'string' || token.length > 300) return null;
  const dot = token.lastIndexOf('.');
  if (dot <= 0) return null;
  const visitorId = token.slice(0, dot);
  if (!isValidVisitorId(visitorId)) return null;
  const given = Buffer.from(token.slice(dot + 1), 'utf8');
  const expected = Buffer.from(sign(secret, visitorId), 'utf8');
  return given.length === expected.length && timingSafeEqual(given, expected) ? visitorId : null;
};
