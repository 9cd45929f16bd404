import { createHmac } from 'crypto';

/**
 * The only form in which a user id is ever stored: HMAC-SHA256 under a key of the server's,
 * base64url (43 characters). Without the key it cannot be reversed or recomputed from a guessed id.
 */
export const hashUserId = (userIdKey: Buffer, userId: string): string =>
  createHmac('sha256', userIdKey).update(userId).digest('base64url');
