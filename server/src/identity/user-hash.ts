import { createHmac } from 'crypto';

/**
 * The only form in which a user id is ever stored: HMAC-SHA256 under the server secret, base64url
 * (43 characters). Without the secret it cannot be reversed or recomputed from a guessed id.
 */
export const hashUserId = (secret: Buffer, userId: string): string =>
  createHmac('sha256', secret).update(`user:${userId}`).digest('base64url');
