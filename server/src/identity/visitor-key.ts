import { createHmac } from 'crypto';

/**
 * A visitor key is a random secret a client makes up before it has a credential (the tracker keeps
 * one in `localStorage` until its first answer). The visitor id is a keyed hash of it, so:
 * - a first batch retried after its answer was lost, or sent twice at once (a fetch and a beacon),
 *   lands on the same visitor and is counted once;
 * - only the key's holder can arrive at that id, so the answer may carry the visitor's credential;
 * - nobody can choose a key that leads to somebody else's id.
 */
export const VISITOR_KEY_PATTERN = /^[A-Za-z0-9_-]{22,128}$/;

export const isValidVisitorKey = (value: unknown): value is string => typeof value === 'string' && VISITOR_KEY_PATTERN.test(value);

/** 22 characters of base64url (132 bits), the same shape as a randomly minted id. */
const derivedId = (visitorKeyKey: Buffer, kind: string, value: string): string =>
  createHmac('sha256', visitorKeyKey).update(`${kind}:${value}`).digest('base64url').slice(0, 22);

export const visitorIdOfKey = (visitorKeyKey: Buffer, visitorKey: string): string => derivedId(visitorKeyKey, 'key', visitorKey);

/**
 * The visitor of a user who has none yet (a server source sends a `userId` without an
 * `anonymousId`): derived from the user's stored hash, so that concurrent first events converge.
 */
export const visitorIdOfUser = (visitorKeyKey: Buffer, userHash: string): string => derivedId(visitorKeyKey, 'user', userHash);

/** A server source's `anonymousId` that does not fit the visitor id alphabet (`a1`, an e-mail): a keyed hash of it. */
export const visitorIdOfAnonymousId = (visitorKeyKey: Buffer, anonymousId: string): string =>
  derivedId(visitorKeyKey, 'anonymous', anonymousId);
