import { timestampedDigest } from '../shared/timestamped-signature';

/** The header outbound deliveries are signed in; receivers verify it as the README shows. */
export const SIGNATURE_HEADER = 'X-Psn-Signature';

/** `t=<unix seconds>,v1=<hex HMAC-SHA256 of "<t>.<body>">` (Stripe's scheme, `shared/timestamped-signature.ts`). */
export const signDelivery = (secret: string, body: string, timestampSec: number): string =>
  `t=${timestampSec},v1=${timestampedDigest(secret, String(timestampSec), body).toString('hex')}`;
