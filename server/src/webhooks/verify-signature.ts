import { createHmac, timingSafeEqual } from 'crypto';
import { timestampedDigest } from '../shared/timestamped-signature';
import { DEFAULT_TOLERANCE_SEC, type SignatureScheme } from './webhook-config';

/**
 * The signature schemes of inbound webhooks, each an HMAC of the raw body under a secret of the
 * source (one, or while it is rotated the new and the old: a signature under any of them is taken):
 * - `shopify`: the header holds the base64 HMAC-SHA256 of the body (`X-Shopify-Hmac-Sha256`);
 * - `segment`: the hex HMAC-SHA1 of the body (`X-Signature`, Segment's Webhooks destination);
 * - `timestamped`: `t=<unix seconds>,v1=<hex HMAC-SHA256 of "<t>.<body>">` (Stripe's scheme), where
 *   several `v1=` may be given (a sender rotating its secret signs with both) and `t` must be within
 *   the tolerance of the server's clock, so that a captured request cannot be replayed later.
 * Checked in two steps so that a request without a usable header is refused before its body is read:
 * `readSignatureHeader`, then `verifySignature` on the bytes. The time is checked only once the MAC
 * matched: "outside the window" then means an authentic request, replayed or from a skewed clock.
 */

export interface SignatureSettings {
  signature: SignatureScheme;
  /** The secrets a sender may sign with: one, or while rotating, the new one and the old ones. */
  secrets: readonly string[];
  /** The header holding the signature, lower case. */
  header: string;
  /** `timestamped`: seconds `t` may be from now, either way. */
  toleranceSec?: number;
}

export type SignatureRefusalReason = 'missing-signature' | 'malformed-signature' | 'signature-mismatch' | 'timestamp-outside-window';

export interface SignatureRefusal {
  reason: SignatureRefusalReason;
  message: string;
}

/** What a header claims: the digests to compare the body's with, and the signed time (`timestamped`). */
export interface SignatureClaim {
  digests: Buffer[];
  /** `t` exactly as sent: it is part of the signed text. */
  signedTime?: string;
}

const BASE64_SHA256 = /^[A-Za-z0-9+/]{43}=$/;
const HEX_SHA1 = /^[0-9a-fA-F]{40}$/;
const HEX_SHA256 = /^[0-9a-fA-F]{64}$/;
const UNIX_SECONDS = /^\d{1,12}$/;
/** A sender signs with one or two secrets; more entries than this is not a signature. */
const MAX_HEADER_PARTS = 16;

const FORMATS: Record<SignatureScheme, string> = {
  shopify: 'the base64 HMAC-SHA256 of the body',
  segment: 'the hex HMAC-SHA1 of the body',
  timestamped: 't=<unix seconds>,v1=<hex HMAC-SHA256 of "<t>.<body>">',
};

const malformed = (settings: SignatureSettings): SignatureRefusal => ({
  reason: 'malformed-signature',
  message: `malformed signature header ${settings.header}: expected ${FORMATS[settings.signature]}`,
});

/** The header's claim, or why there is none (missing or malformed): decided before the body is read. */
export const readSignatureHeader = (settings: SignatureSettings, value: string | undefined): SignatureClaim | SignatureRefusal => {
  const text = value?.trim();
  if (!text) return { reason: 'missing-signature', message: `missing signature header ${settings.header}` };
  switch (settings.signature) {
    case 'shopify':
      return BASE64_SHA256.test(text) ? { digests: [Buffer.from(text, 'base64')] } : malformed(settings);
    case 'segment':
      return HEX_SHA1.test(text) ? { digests: [Buffer.from(text, 'hex')] } : malformed(settings);
    case 'timestamped': {
      const parts = text.split(',');
      if (parts.length > MAX_HEADER_PARTS) return malformed(settings);
      let signedTime: string | undefined;
      const digests: Buffer[] = [];
      for (const part of parts) {
        const equals = part.indexOf('=');
        if (equals < 0) return malformed(settings);
        const key = part.slice(0, equals).trim();
        const entry = part.slice(equals + 1).trim();
        if (key === 't') {
          if (signedTime !== undefined || !UNIX_SECONDS.test(entry)) return malformed(settings);
          signedTime = entry;
        } else if (key === 'v1') {
          if (!HEX_SHA256.test(entry)) return malformed(settings);
          digests.push(Buffer.from(entry, 'hex'));
        }
        // Other keys (Stripe's v0, a future v2) are not ours to check.
      }
      return signedTime !== undefined && digests.length > 0 ? { digests, signedTime } : malformed(settings);
    }
  }
};

/** The HMAC a sender holding `secret` computed, if the body is authentic. */
export const expectedDigest = (scheme: SignatureScheme, secret: string, body: Buffer, signedTime?: string): Buffer => {
  switch (scheme) {
    case 'shopify':
      return createHmac('sha256', secret).update(body).digest();
    case 'segment':
      return createHmac('sha1', secret).update(body).digest();
    case 'timestamped':
      return timestampedDigest(secret, signedTime ?? '', body);
  }
};

/** Null when the body is authentic and timely; else why it is refused. */
export const verifySignature = (settings: SignatureSettings, claim: SignatureClaim, body: Buffer, nowSec: number): SignatureRefusal | null => {
  let matched = false;
  // Every secret's digest against every digest claimed, each in constant time, none skipped after a
  // match: the time taken depends on how many secrets the source lists and how many digests the
  // sender sent, never on which of them matched.
  for (const secret of settings.secrets) {
    const expected = expectedDigest(settings.signature, secret, body, claim.signedTime);
    for (const digest of claim.digests) {
      const equal = digest.length === expected.length && timingSafeEqual(digest, expected);
      matched = equal || matched;
    }
  }
  if (!matched) {
    const under = settings.secrets.length > 1 ? "any of the source's secrets" : "the source's secret";
    return { reason: 'signature-mismatch', message: `signature mismatch: ${settings.header} is not the HMAC of this body under ${under}` };
  }
  if (settings.signature === 'timestamped') {
    const tolerance = settings.toleranceSec ?? DEFAULT_TOLERANCE_SEC;
    const skew = nowSec - Number(claim.signedTime);
    if (Math.abs(skew) > tolerance) {
      const where = skew > 0 ? `${skew} s old` : `${-skew} s in the future`;
      return { reason: 'timestamp-outside-window', message: `timestamp outside the window: the signed time is ${where} (tolerance ${tolerance} s)` };
    }
  }
  return null;
};
