/**
 * The three signature schemes of inbound webhooks, under one secret or several (a rotation). Each
 * is checked twice: against signatures made here with node:crypto (as the sender's library would),
 * and against fixed known-answer vectors written as literals (RFC 4231 / RFC 2202 test case 2, and
 * values computed once with openssl), so that a change of algorithm, encoding or signed text fails
 * even if test and code changed alike.
 */
import crypto, { createHmac } from 'crypto';
import { readSignatureHeader, verifySignature, type SignatureClaim, type SignatureSettings } from '../../server/src/webhooks/verify-signature';

const NOW = 1_717_171_717;

/** Both steps, as the webhook reader runs them: the header first, then the bytes. */
const check = (settings: SignatureSettings, header: string | undefined, body: string | Buffer, nowSec = NOW) => {
  const claim = readSignatureHeader(settings, header);
  if ('reason' in claim) return claim.reason;
  return verifySignature(settings, claim as SignatureClaim, Buffer.isBuffer(body) ? body : Buffer.from(body, 'utf8'), nowSec)?.reason ?? 'ok';
};

/** A source's settings with one secret, or several while it is rotated. */
type Secrets = string | string[];
const listed = (secret: Secrets) => (Array.isArray(secret) ? secret : [secret]);
const shopify = (secret: Secrets): SignatureSettings => ({ signature: 'shopify', secrets: listed(secret), header: 'x-shopify-hmac-sha256' });
const segment = (secret: Secrets): SignatureSettings => ({ signature: 'segment', secrets: listed(secret), header: 'x-signature' });
const timestamped = (secret: Secrets, toleranceSec = 300): SignatureSettings => ({ signature: 'timestamped', secrets: listed(secret), header: 'x-psn-signature', toleranceSec });

describe('known-answer vectors (literals)', () => {
  // RFC 4231 and RFC 2202, test case 2: key "Jefe".
  const RFC_DATA = 'what do ya want for nothing?';

  it('shopify: base64 HMAC-SHA256 of the body (RFC 4231 case 2)', () => {
    // 5bdcc146bf60754e6a042426089575c75a003f089d2739839dec58b964ec3843 in base64:
    expect(check(shopify('Jefe'), 'W9zBRr9gdU5qBCQmCJV1x1oAPwidJzmDnexYuWTsOEM=', RFC_DATA)).toBe('ok');
    expect(check(shopify('shpss_0123456789abcdef0123456789abcdef'), 'MMGE3IkGBSm+7Ro/5dE+zqhA9V9uU+M7A0yLIjhaNzA=', '{"id":820982911946154508,"topic":"orders/create"}')).toBe('ok');
  });

  it('segment: hex HMAC-SHA1 of the body (RFC 2202 case 2), in either case', () => {
    expect(check(segment('Jefe'), 'effcdf6ae5eb2fa2d27416d5f184df9c259a7c79', RFC_DATA)).toBe('ok');
    expect(check(segment('Jefe'), 'EFFCDF6AE5EB2FA2D27416D5F184DF9C259A7C79', RFC_DATA)).toBe('ok');
    expect(check(segment('segment-shared-secret-0123'), 'bd054d677bb379c9a0162bcfc9aa6b65ab7e6cef', '{"type":"track","event":"Signed Up","userId":"u-1"}')).toBe('ok');
  });

  it('timestamped: hex HMAC-SHA256 of "<t>.<body>"', () => {
    expect(check(timestamped('Jefe'), 't=1700000000,v1=1cdd0650c8be1cb0974b1788d458b1e781206cfef59b85faafc582d2e182c57e', RFC_DATA, 1_700_000_000)).toBe('ok');
    const stripeLike = 't=1717171717,v1=f3adf2a5c59ebb4bb8a406c260920044cb9ba439e1123924f6d640cad8398014';
    expect(check(timestamped('whsec_test_0123456789abcdef'), stripeLike, '{"type":"invoice.paid","id":"evt_1"}')).toBe('ok');
  });

  it('refuses each vector under another secret or with one byte changed', () => {
    expect(check(shopify('jefe'), 'W9zBRr9gdU5qBCQmCJV1x1oAPwidJzmDnexYuWTsOEM=', RFC_DATA)).toBe('signature-mismatch');
    expect(check(segment('Jefe'), 'effcdf6ae5eb2fa2d27416d5f184df9c259a7c79', `${RFC_DATA} `)).toBe('signature-mismatch');
    expect(check(timestamped('Jefe'), 't=1700000001,v1=1cdd0650c8be1cb0974b1788d458b1e781206cfef59b85faafc582d2e182c57e', RFC_DATA, 1_700_000_000)).toBe('signature-mismatch');
  });
});

describe('signatures made with node:crypto', () => {
  const secret = 'a-webhook-secret-0123456789';
  const body = JSON.stringify({ id: 42, note: 'caf\u00e9 \u{1F600}', total_price: '19.90' });
  const hmac = (algorithm: 'sha256' | 'sha1', text: string | Buffer, key = secret) => createHmac(algorithm, key).update(text);

  it('shopify', () => {
    expect(check(shopify(secret), hmac('sha256', body).digest('base64'), body)).toBe('ok');
    expect(check(shopify(secret), hmac('sha256', body, `${secret}x`).digest('base64'), body)).toBe('signature-mismatch');
    expect(check(shopify(secret), hmac('sha256', body).digest('base64'), body.replace('19.90', '0.01'))).toBe('signature-mismatch');
  });

  it('segment', () => {
    expect(check(segment(secret), hmac('sha1', body).digest('hex'), body)).toBe('ok');
    expect(check(segment(secret), hmac('sha1', `${body}\n`).digest('hex'), body)).toBe('signature-mismatch');
  });

  it('verifies the bytes as sent, not text decoded and encoded again', () => {
    // Not valid UTF-8: decoding to text would turn the byte into U+FFFD and change the HMAC.
    const bytes = Buffer.concat([Buffer.from('{"a":"'), Buffer.from([0xff]), Buffer.from('"}')]);
    expect(check(shopify(secret), hmac('sha256', bytes).digest('base64'), bytes)).toBe('ok');
    expect(check(shopify(secret), hmac('sha256', bytes).digest('base64'), Buffer.from(bytes.toString('utf8'), 'utf8'))).toBe('signature-mismatch');
  });

  describe('timestamped', () => {
    const sign = (t: number | string, text = body, key = secret) => hmac('sha256', `${t}.${text}`, key).digest('hex');

    it('takes a signature within the window, either side of the clock', () => {
      expect(check(timestamped(secret), `t=${NOW},v1=${sign(NOW)}`, body)).toBe('ok');
      expect(check(timestamped(secret), `t=${NOW - 300},v1=${sign(NOW - 300)}`, body)).toBe('ok');
      expect(check(timestamped(secret), `t=${NOW + 300},v1=${sign(NOW + 300)}`, body)).toBe('ok');
    });

    it('refuses a replay (authentic, but t outside the window) and a time from the future', () => {
      expect(check(timestamped(secret), `t=${NOW - 301},v1=${sign(NOW - 301)}`, body)).toBe('timestamp-outside-window');
      expect(check(timestamped(secret), `t=${NOW + 301},v1=${sign(NOW + 301)}`, body)).toBe('timestamp-outside-window');
      expect(check(timestamped(secret, 3600), `t=${NOW - 3000},v1=${sign(NOW - 3000)}`, body)).toBe('ok');
    });

    it('says "outside the window" only of an authentic request: a forged old one is a mismatch', () => {
      expect(check(timestamped(secret), `t=${NOW - 10_000},v1=${sign(NOW - 10_000, body, 'another-secret-0123456')}`, body)).toBe('signature-mismatch');
    });

    it('signs the time: the same v1 under another t is refused', () => {
      expect(check(timestamped(secret), `t=${NOW - 1},v1=${sign(NOW)}`, body)).toBe('signature-mismatch');
    });

    it('takes several v1 (a sender rotating its secret) and ignores other schemes', () => {
      const header = `t=${NOW},v1=${sign(NOW, body, 'the-old-secret-0123456')},v0=abc,v1=${sign(NOW)}`;
      expect(check(timestamped(secret), header, body)).toBe('ok');
      expect(check(timestamped(secret), `t=${NOW}, v1=${sign(NOW)}`, body)).toBe('ok');
    });

    it('explains a refusal with the age and the tolerance', () => {
      const claim = readSignatureHeader(timestamped(secret), `t=${NOW - 400},v1=${sign(NOW - 400)}`) as SignatureClaim;
      expect(verifySignature(timestamped(secret), claim, Buffer.from(body), NOW)?.message).toBe('timestamp outside the window: the signed time is 400 s old (tolerance 300 s)');
    });
  });
});

describe('a source rotating its secret (secrets: [new, old])', () => {
  const NEW = 'the-new-webhook-secret-0123456';
  const OLD = 'the-old-webhook-secret-0123456';
  const OTHER = 'a-third-webhook-secret-0123456';
  const body = JSON.stringify({ id: 7, topic: 'orders/create' });
  const hmac = (algorithm: 'sha256' | 'sha1', text: string, key: string) => createHmac(algorithm, key).update(text);
  const stamped = (key: string) => `t=${NOW},v1=${hmac('sha256', `${NOW}.${body}`, key).digest('hex')}`;

  afterEach(() => jest.restoreAllMocks());

  it.each([
    ['shopify', shopify, (key: string) => hmac('sha256', body, key).digest('base64')],
    ['segment', segment, (key: string) => hmac('sha1', body, key).digest('hex')],
    ['timestamped', timestamped, stamped],
  ] as const)('%s: a signature under either listed secret is taken, one under a third refused', (_scheme, settingsOf, sign) => {
    const rotating = settingsOf([NEW, OLD]);
    expect(check(rotating, sign(NEW), body)).toBe('ok');
    expect(check(rotating, sign(OLD), body)).toBe('ok');
    expect(check(rotating, sign(OTHER), body)).toBe('signature-mismatch');
    // Once the old secret is dropped, its signatures are refused.
    expect(check(settingsOf([NEW]), sign(OLD), body)).toBe('signature-mismatch');
  });

  it('timestamped: takes a header that carries a v1 per secret, whichever the receiver lists', () => {
    const both = `${stamped(OLD)},v1=${stamped(NEW).split('v1=')[1]}`;
    expect(check(timestamped([NEW]), both, body)).toBe('ok');
    expect(check(timestamped([OLD]), both, body)).toBe('ok');
    expect(check(timestamped([OTHER]), both, body)).toBe('signature-mismatch');
  });

  it('still checks the time of a signature made with the old secret', () => {
    const old = `t=${NOW - 301},v1=${hmac('sha256', `${NOW - 301}.${body}`, OLD).digest('hex')}`;
    expect(check(timestamped([NEW, OLD]), old, body)).toBe('timestamp-outside-window');
  });

  it('compares every digest with every secret, in constant time, whichever matched first', () => {
    const compare = jest.spyOn(crypto, 'timingSafeEqual');
    expect(check(timestamped([NEW, OLD, OTHER]), `${stamped(NEW)},v1=${stamped(OLD).split('v1=')[1]}`, body)).toBe('ok');
    expect(compare).toHaveBeenCalledTimes(3 * 2);
    compare.mockClear();
    expect(check(shopify([NEW, OLD]), hmac('sha256', body, NEW).digest('base64'), body)).toBe('ok');
    expect(compare).toHaveBeenCalledTimes(2);
  });

  it('says "any of the source\'s secrets" when it lists several', () => {
    const claim = readSignatureHeader(shopify([NEW, OLD]), hmac('sha256', body, OTHER).digest('base64')) as SignatureClaim;
    expect(verifySignature(shopify([NEW, OLD]), claim, Buffer.from(body), NOW)?.message).toBe("signature mismatch: x-shopify-hmac-sha256 is not the HMAC of this body under any of the source's secrets");
    expect(verifySignature(shopify([NEW]), claim, Buffer.from(body), NOW)?.message).toBe("signature mismatch: x-shopify-hmac-sha256 is not the HMAC of this body under the source's secret");
  });
});

describe('headers refused before the body is read', () => {
  const secret = 'a-webhook-secret-0123456789';

  it.each([
    [shopify(secret), undefined, 'missing-signature'],
    [shopify(secret), '  ', 'missing-signature'],
    [shopify(secret), 'not base64!', 'malformed-signature'],
    [shopify(secret), 'W9zBRr9gdU5qBCQmCJV1x1oAPwidJzmDnexYuWTsOEM', 'malformed-signature'],
    [segment(secret), 'sha1=effcdf6ae5eb2fa2d27416d5f184df9c259a7c79', 'malformed-signature'],
    [segment(secret), 'effcdf6ae5eb2fa2d27416d5f184df9c259a7c7', 'malformed-signature'],
    [timestamped(secret), 'v1=1cdd0650c8be1cb0974b1788d458b1e781206cfef59b85faafc582d2e182c57e', 'malformed-signature'],
    [timestamped(secret), 't=1700000000', 'malformed-signature'],
    [timestamped(secret), 't=soon,v1=1cdd0650c8be1cb0974b1788d458b1e781206cfef59b85faafc582d2e182c57e', 'malformed-signature'],
    [timestamped(secret), 't=1,t=2,v1=1cdd0650c8be1cb0974b1788d458b1e781206cfef59b85faafc582d2e182c57e', 'malformed-signature'],
    [timestamped(secret), `t=1,${'v1=00,'.repeat(20)}`, 'malformed-signature'],
  ].map(([settings, header, reason]) => [(settings as SignatureSettings).signature, header, reason, settings] as const))('%s with %j: %s', (_scheme, header, reason, settings) => {
    const result = readSignatureHeader(settings as SignatureSettings, header as string | undefined);
    expect('reason' in result && result.reason).toBe(reason);
  });

  it('names the header and the format expected', () => {
    expect(readSignatureHeader(shopify(secret), undefined)).toEqual({ reason: 'missing-signature', message: 'missing signature header x-shopify-hmac-sha256' });
    expect(readSignatureHeader(timestamped(secret), 'abc')).toEqual({
      reason: 'malformed-signature',
      message: 'malformed signature header x-psn-signature: expected t=<unix seconds>,v1=<hex HMAC-SHA256 of "<t>.<body>">',
    });
  });
});
