import { createHash } from 'crypto';

/**
 * The HMAC key for user ids and visitor tokens: `identity.secret` when configured, otherwise derived
 * from the app keys, so it is stable across restarts and instances of one deployment without setup.
 */
export const identitySecret = (configured: string | undefined, appKeys: string[] | undefined): Buffer => {
  if (configured) return Buffer.from(configured, 'utf8');
  if (!appKeys || appKeys.length === 0) {
    throw new Error('personalization: set identity.secret or the app keys (server.app.keys)');
  }
  return createHash('sha256').update(`strapi-plugin-personalization:identity:${appKeys.join(',')}`).digest();
};
