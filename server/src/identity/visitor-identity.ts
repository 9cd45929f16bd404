import { randomBytes } from 'crypto';
import { isValidVisitorId } from '../store/keys';
import { verifyVisitorToken } from './visitor-token';

/** Where a request's visitor id came from. */
export type VisitorSource = 'cookie' | 'token' | 'header' | 'anonymousId' | 'new';

export interface VisitorCandidates {
  /** Value of the visitor cookie (`psn_vid`). */
  cookie?: string;
  /** `X-Visitor-Token`: a signed token we issued. */
  token?: string;
  /** `X-Visitor-Id`: a bare id, accepted for writing events, never for reading a profile. */
  header?: string;
  /** `anonymousId` of the event batch (Segment naming). */
  anonymousId?: string;
}

export interface Visitor {
  visitorId: string;
  source: VisitorSource;
}

/** 128 random bits, base64url: 22 characters. */
export const newVisitorId = (): string => randomBytes(16).toString('base64url');

/**
 * Who is the caller: cookie, then signed token, then (only when `allowBareIds`) the
 * `X-Visitor-Id` header and the batch's `anonymousId`. Invalid values are skipped, never trusted.
 */
export const identifyVisitor = (
  candidates: VisitorCandidates,
  secret: Buffer,
  { allowBareIds }: { allowBareIds: boolean }
): Visitor | null => {
  if (isValidVisitorId(candidates.cookie)) return { visitorId: candidates.cookie, source: 'cookie' };
  const fromToken = verifyVisitorToken(secret, candidates.token);
  if (fromToken) return { visitorId: fromToken, source: 'token' };
  if (!allowBareIds) return null;
  if (isValidVisitorId(candidates.header)) return { visitorId: candidates.header, source: 'header' };
  if (isValidVisitorId(candidates.anonymousId)) return { visitorId: candidates.anonymousId, source: 'anonymousId' };
  return null;
};
