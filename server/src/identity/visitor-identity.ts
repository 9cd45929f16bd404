import { randomBytes } from 'crypto';
import { isValidVisitorId } from '../store/keys';
import { isValidVisitorKey, visitorIdOfKey } from './visitor-key';
import { verifyVisitorToken } from './visitor-token';
import type { IdentityKeys } from './secret';

/**
 * Who a browser request speaks for.
 * - `cookie`, `token`: a credential we signed; `key`: a visitor key only its holder knows; `new`: a
 *   visitor minted for this request. These may read, erase and merge, and their answers carry the
 *   credential.
 * - `bare`: an id typed into `X-Visitor-Id` or a batch's `anonymousId`. Anybody can send any id, so
 *   it is good for writing events only: it never reads, erases, links or merges, and its answers
 *   carry no credential.
 */
export type VisitorSource = 'cookie' | 'token' | 'key' | 'new' | 'bare';

export interface Visitor {
  visitorId: string;
  source: VisitorSource;
}

export interface VisitorCandidates {
  /** Value of the visitor cookie (`psn_vid`): a signed credential. */
  cookie?: string;
  /** `X-Visitor-Token`, or the batch's `visitorToken`: a signed credential. */
  token?: string;
  /** The batch's `visitorKey`. */
  visitorKey?: string;
  /** `X-Visitor-Id`, or the batch's `anonymousId`: a bare id. */
  bareId?: string;
}

/** 128 random bits, base64url: 22 characters. */
export const newVisitorId = (): string => randomBytes(16).toString('base64url');

export const hasCredential = (visitor: Visitor | null): visitor is Visitor => visitor !== null && visitor.source !== 'bare';

/** The first valid of cookie, token, visitor key, bare id; invalid values are skipped, never trusted. */
export const identifyVisitor = (candidates: VisitorCandidates, keys: IdentityKeys): Visitor | null => {
  const fromCookie = verifyVisitorToken(keys.token, candidates.cookie);
  if (fromCookie) return { visitorId: fromCookie, source: 'cookie' };
  const fromToken = verifyVisitorToken(keys.token, candidates.token);
  if (fromToken) return { visitorId: fromToken, source: 'token' };
  if (isValidVisitorKey(candidates.visitorKey)) return { visitorId: visitorIdOfKey(keys.visitorKey, candidates.visitorKey), source: 'key' };
  if (isValidVisitorId(candidates.bareId)) return { visitorId: candidates.bareId, source: 'bare' };
  return null;
};
