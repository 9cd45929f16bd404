import { createHmac } from 'crypto';

/**
 * Stripe's signing scheme, used both ways: outbound deliveries are signed with it
 * (`X-Psn-Signature: t=<unix>,v1=<hex>`) and inbound `timestamped` webhooks verified with it. The
 * digest is HMAC-SHA256 of `<t>.<raw body>`: the time is signed with the body, so a receiver that
 * refuses old times refuses replays.
 */
export const timestampedDigest = (secret: string, signedTime: string, body: Buffer | string): Buffer =>
  createHmac('sha256', secret).update(`${signedTime}.`).update(body).digest();
