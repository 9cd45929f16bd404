import { createHash, timingSafeEqual } from 'crypto';

/**
 * Who is sending events, from the `Authorization` header alone (decided before the body is read).
 * - A *browser* sends no credential of its own: its visitor is whoever its cookie, token or visitor
 *   key says, and user ids it sends count only with proof.
 * - A *server* source sends its write key, as Segment's HTTP API takes it (HTTP Basic with the key as
 *   user name and an empty password) or as `Authorization: Bearer <key>`; it is trusted for user ids
 *   and may send many visitors in one batch.
 * A Bearer value shaped like a JWT is a users-permissions login of a browser's user, not a key.
 */
export interface ServerSource {
  name: string;
  writeKey: string;
  /** Requests per minute, per Strapi instance. */
  perMinute: number;
  /** How old an event's timestamp may be (backfills). */
  maxAgeDays: number;
}

export type SenderAuth =
  | { kind: 'browser'; jwt?: string }
  | { kind: 'server'; source: ServerSource }
  | { kind: 'refused'; message: string };

const JWT_PATTERN = /^[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+\.[A-Za-z0-9_-]*$/;

/** Digests have one length whatever the key, so the comparison time says nothing about either. */
const digest = (value: string) => createHash('sha256').update(value, 'utf8').digest();

const findSource = (given: string, sources: readonly ServerSource[]): ServerSource | undefined => {
  const givenDigest = digest(given);
  let found: ServerSource | undefined;
  // Every key is compared, so the time taken does not tell which one (if any) matched.
  for (const source of sources) {
    if (timingSafeEqual(givenDigest, digest(source.writeKey)) && !found) found = source;
  }
  return found;
};

const basicUser = (encoded: string): string | null => {
  const decoded = Buffer.from(encoded, 'base64').toString('utf8');
  const colon = decoded.indexOf(':');
  return colon < 0 ? decoded : decoded.slice(0, colon);
};

export const authenticateSender = (authorization: string | undefined, sources: readonly ServerSource[]): SenderAuth => {
  if (!authorization) return { kind: 'browser' };
  const space = authorization.indexOf(' ');
  const scheme = authorization.slice(0, space < 0 ? undefined : space).toLowerCase();
  const value = space < 0 ? '' : authorization.slice(space + 1).trim();
  if (scheme === 'basic') {
    const user = value.length <= 1024 ? basicUser(value) : null;
    const source = user ? findSource(user, sources) : undefined;
    return source ? { kind: 'server', source } : { kind: 'refused', message: 'unknown write key' };
  }
  if (scheme === 'bearer' && value.length > 0 && value.length <= 4096) {
    const source = findSource(value, sources);
    if (source) return { kind: 'server', source };
    if (JWT_PATTERN.test(value)) return { kind: 'browser', jwt: value };
    return { kind: 'refused', message: 'unknown write key' };
  }
  return { kind: 'refused', message: 'unsupported Authorization scheme (expected Basic with a write key, or Bearer)' };
};
