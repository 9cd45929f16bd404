import { createHmac } from 'crypto';

/** The header outbound deliveries are signed in; receivers verify it as the README shows. */
export const SIGNATURE_HEADER = 'X-Psn-Signature';

/**
 * Stripe's scheme: `t=<unix seconds>,v1=<hex HMAC-SHA256 of "<t>.<body>">`. The timestamp is signed
 * with the body, so a receiver that refuses old timestamps refuses replays too.
 */
export const signDelivery = (secret: string, body: string, timestampSec: number): string =>
  `t=${timestampSec},v1=${createHmac('sha256', secret).update(`${timestampSec}.${body}`).digest('hex')}`;
