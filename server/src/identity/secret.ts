import { createHash, hkdfSync } from 'crypto';

/**
 * The identity secret: `identity.secret` when configured, otherwise derived from the app keys, so it
 * is stable across restarts and instances of one deployment without setup.
 */
export const identitySecret = (configured: string | undefined, appKeys: string[] | undefined): Buffer => {
  if (configured) return Buffer.from(configured, 'utf8');
  if (!appKeys || appKeys.length === 0) {
    throw new Error('personalization: set identity.secret or the app keys (server.app.keys)');
  }
  return createHash('sha256').update(`strapi-plugin-personalization:identity:${appKeys.join(',')}`).digest();
};

/**
 * One key per purpose, so that no value computed for one purpose is ever valid for another. The
 * site's backend holds the secret itself to compute `userHash` (HMAC of a user id, as Intercom's
 * identity verification does); were visitor tokens signed with it too, a backend that hashes a
 * user id of an attacker's choosing (`visitor:<id>`) would hand out a token. So tokens, stored user
 * ids and ids derived from visitor keys use HKDF sub-keys that no outside party ever computes.
 */
export interface IdentityKeys {
  /** The secret as configured: `userHash = HMAC-SHA256(secret, userId)`, computed by the site's backend. */
  verification: Buffer;
  /** Signs visitor credentials (`<visitorId>.<mac>`). */
  token: Buffer;
  /** Keys the stored form of user ids. */
  userId: Buffer;
  /** Turns a client's visitor key into its visitor id. */
  visitorKey: Buffer;
}

const subKey = (secret: Buffer, purpose: string): Buffer =>
  Buffer.from(hkdfSync('sha256', secret, 'strapi-plugin-personalization', purpose, 32));

export const identityKeys = (secret: Buffer): IdentityKeys => ({
  verification: secret,
  token: subKey(secret, 'visitor token'),
  userId: subKey(secret, 'user id'),
  visitorKey: subKey(secret, 'visitor key'),
});
