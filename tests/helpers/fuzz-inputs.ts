import { brotliCompressSync, deflateSync, gzipSync } from 'zlib';
import fc from 'fast-check';

/**
 * fast-check arbitraries of hostile HTTP input, for the public-endpoint fuzz: JSON written as text
 * (so that it can say what `JSON.stringify` never writes: `__proto__` as a key, duplicate keys,
 * `1e400`, escaped lone surrogates), bodies in any encoding, header values and query strings.
 */

/** What an injected header or cookie would carry: an answer that contains it was injected into. */
export const INJECTED = 'psn-injected';

/** Strings that tend to break parsers and key builders. */
export const nastyString = fc.oneof(
  fc.string({ maxLength: 30 }),
  fc.string({ unit: 'binary', maxLength: 12 }),
  fc.constantFrom(
    '__proto__', 'constructor', 'prototype', 'toString', 'hasOwnProperty', '__defineGetter__', 'valueOf',
    '\ud83d', 'x\udc00y', '', ' ', '\u0000', 'a\u0000b', '😀', '{}', '[]', 'null', 'NaN', '-0', '1e309',
    'jane@example.com', '203.0.113.1', '../../etc/passwd', '%00', '%0d%0a', `a\r\nSet-Cookie: ${INJECTED}=1`,
    `x\nX-Injected: ${INJECTED}`, '<script>alert(1)</script>', "'; DROP TABLE x; --", '${jndi:ldap://x}', '\u202e', '\ufeff'
  ),
  fc.integer({ min: 1025, max: 5000 }).map((length) => 'a'.repeat(length))
);

const PROTOTYPE_KEYS = ['__proto__', 'constructor', 'prototype'] as const;
const keyText = fc.oneof({ weight: 3, arbitrary: nastyString }, { weight: 2, arbitrary: fc.constantFrom(...PROTOTYPE_KEYS) });

/** A JSON number as text, including what doubles cannot hold. */
const numberText = fc.oneof(
  fc.integer().map(String),
  fc.double({ noNaN: true, noDefaultInfinity: true }).map((value) => JSON.stringify(value)),
  fc.constantFrom('1e400', '-1e400', '1e-400', '-0', '123456789012345678901234567890', '9007199254740993', '0.1e99999', '2e308', '-9223372036854775809')
);

/** A JSON string literal as text: escaped lone surrogates and NUL too. */
const stringText = fc.oneof(
  { weight: 4, arbitrary: nastyString.map((value) => JSON.stringify(value)) },
  { weight: 1, arbitrary: fc.constantFrom('"\\ud800"', '"a\\udfffb"', '"\\udfff\\ud800"', '"\\u0000"', '"x\\u0000y"', '"\\r\\nSet-Cookie: x=1"') }
);

/** Any JSON value as text, with prototype keys and duplicate keys at any depth. */
export const jsonText: fc.Arbitrary<string> = fc.letrec<{ value: string }>((tie) => ({
  value: fc.oneof(
    { depthSize: 'small', withCrossShrink: true },
    stringText,
    numberText,
    fc.constantFrom('true', 'false', 'null'),
    fc.array(tie('value'), { maxLength: 4 }).map((items) => `[${items.join(',')}]`),
    fc.array(fc.tuple(keyText, tie('value')), { maxLength: 4 }).map((entries) => `{${entries.map(([key, value]) => `${JSON.stringify(key)}:${value}`).join(',')}}`)
  ),
})).value;

/** Nesting far past the limits (16 for a body, 5 for properties). */
export const deepText = fc.oneof(
  fc.integer({ min: 6, max: 40 }).map((depth) => `${'{"a":'.repeat(depth)}1${'}'.repeat(depth)}`),
  fc.constantFrom(`${'['.repeat(5000)}${']'.repeat(5000)}`, `${'{"__proto__":'.repeat(20)}{}${'}'.repeat(20)}`)
);

/** Past the size limits: a string over 1,024 characters, an array over 100 items, an object over 50 keys. */
export const oversizedText = fc.oneof(
  fc.integer({ min: 1025, max: 70_000 }).map((length) => JSON.stringify('x'.repeat(length))),
  fc.integer({ min: 101, max: 3000 }).map((count) => `[${Array.from({ length: count }, (_, i) => i).join(',')}]`),
  fc.integer({ min: 51, max: 200 }).map((count) => `{${Array.from({ length: count }, (_, i) => `"k${i}":${i}`).join(',')}}`)
);

/** Any hostile value as text. */
export const hostileText = fc.oneof({ weight: 4, arbitrary: jsonText }, { weight: 1, arbitrary: deepText }, { weight: 1, arbitrary: oversizedText });

/**
 * A JSON text built from a valid one with hostile values: one field replaced (`@HOLE@` marks where),
 * or a prototype key added next to it. `template` holds the JSON with `"@HOLE@"` for the value.
 */
export const fillHole = (template: string, hole: string): string => template.replace('"@HOLE@"', hole);

/** Garbled bytes: invalid UTF-8 inside what is otherwise JSON, or no JSON at all. */
export const invalidUtf8 = (text: string, at: number): Buffer => {
  const bytes = Buffer.from(text);
  const cut = Math.min(Math.max(at, 0), bytes.length);
  return Buffer.concat([bytes.subarray(0, cut), Buffer.from([0xc3, 0x28, 0xff, 0xfe, 0xed, 0xa0, 0x80]), bytes.subarray(cut)]);
};

/** A gzip of a megabyte of spaces inside a JSON object: about 1 KB that inflates past every limit. */
const BOMB = (() => {
  const inflated = Buffer.concat([Buffer.from('{"events":['), Buffer.alloc(4 * 1024 * 1024, 0x20), Buffer.from(']}')]);
  return { gzip: gzipSync(inflated, { level: 9 }), deflate: deflateSync(inflated, { level: 9 }), br: brotliCompressSync(inflated) };
})();

export type Encoding = 'identity' | 'gzip' | 'deflate' | 'br';

/** How a body's bytes are sent: their encoding, the header that names it (which may lie), a bomb, garbled bytes. */
export const bodyEncoding = fc.oneof(
  { weight: 12, arbitrary: fc.constant({ kind: 'plain' as const }) },
  { weight: 3, arbitrary: fc.constantFrom<Encoding>('gzip', 'deflate', 'br').map((encoding) => ({ kind: 'encoded' as const, encoding })) },
  { weight: 1, arbitrary: fc.constantFrom<Encoding>('gzip', 'deflate', 'br').map((encoding) => ({ kind: 'bomb' as const, encoding })) },
  { weight: 1, arbitrary: fc.constantFrom('gzip', 'br', 'compress', 'gzip, gzip', 'x-gzip', 'GZIP', 'identity').map((header) => ({ kind: 'lying' as const, header })) },
  { weight: 1, arbitrary: fc.nat(400).map((at) => ({ kind: 'invalid-utf8' as const, at })) },
  { weight: 1, arbitrary: fc.constantFrom(Buffer.from([0x1f, 0x8b, 0xff, 0x00, 0x42]), Buffer.alloc(0), Buffer.from('\u0000\u0000'), Buffer.from([0xef, 0xbb, 0xbf, 0x7b, 0x7d])).map((bytes) => ({ kind: 'bytes' as const, bytes })) }
);
export type BodyEncoding = typeof bodyEncoding extends fc.Arbitrary<infer T> ? T : never;

/** The bytes to send for a JSON text, and the Content-Encoding header to send with them. */
export const encodeBody = (text: string, how: BodyEncoding): { bytes: Buffer; contentEncoding?: string } => {
  const plain = Buffer.from(text);
  switch (how.kind) {
    case 'plain':
      return { bytes: plain };
    case 'encoded':
      return { bytes: how.encoding === 'gzip' ? gzipSync(plain) : how.encoding === 'deflate' ? deflateSync(plain) : brotliCompressSync(plain), contentEncoding: how.encoding };
    case 'bomb':
      return { bytes: BOMB[how.encoding as Exclude<Encoding, 'identity'>], contentEncoding: how.encoding };
    case 'lying':
      return { bytes: plain, contentEncoding: how.header };
    case 'invalid-utf8':
      return { bytes: invalidUtf8(text, how.at) };
    case 'bytes':
      return { bytes: how.bytes };
  }
};

export const contentType = fc.oneof(
  { weight: 4, arbitrary: fc.constant('application/json') },
  {
    weight: 3,
    arbitrary: fc.constantFrom(
      'application/json; charset=utf-8', 'text/plain', 'text/plain;charset=UTF-8', 'application/x-www-form-urlencoded', 'multipart/form-data; boundary=x',
      'application/xml', 'application/json; charset=utf-16', 'application/octet-stream', '*/*', '', 'a'.repeat(2000)
    ),
  }
);

/** What Node's HTTP client sends as a header value: tab, printable ASCII and Latin-1 (no CR, LF or other controls). */
export const asHeaderValue = (value: string): string => value.replace(/[^\t\x20-\x7e\x80-\xff]/g, '?');

/** A header value: any text Node will send, percent-encoded CRLF, Latin-1 bytes, huge. */
export const headerText = fc.oneof(
  nastyString.map(asHeaderValue),
  fc.constantFrom(`a%0d%0aSet-Cookie:%20${INJECTED}=1`, `\u00ff\u00fe${INJECTED}`, `${INJECTED}\tx`, 'x'.repeat(4000))
);

/** Visitor credentials as an attacker would try them: forged, tampered, someone else's, oversized. */
export const forgedCredential = (realToken: string) =>
  fc.oneof(
    headerText,
    fc.constantFrom(
      `${realToken.slice(0, -1)}${realToken.endsWith('A') ? 'B' : 'A'}`,
      `${realToken.split('.')[0]}x.${realToken.split('.')[1]}`,
      `victim-visitor-0001.${'A'.repeat(43)}`,
      `${realToken}.${realToken}`,
      `.${realToken.split('.')[1]}`,
      `${'a'.repeat(150)}.${'B'.repeat(43)}`,
      `${INJECTED}%0d%0aX-Injected:%20${INJECTED}.${'C'.repeat(43)}`,
      realToken
    )
  );

/**
 * A query string: up to three of the endpoint's valid parameters (`name=value` as given), and often
 * one hostile one: a parameter of the endpoint's or the plugin's as an array, a nested object, a
 * prototype name, an encoded CRLF, invalid percent-encoding, a huge value.
 */
export const queryString = (valid: readonly string[], names: readonly string[]) => {
  const key = fc.oneof(
    { weight: 4, arbitrary: fc.constantFrom(...names, 'psn', 'psn_segment') },
    { weight: 1, arbitrary: fc.constantFrom('__proto__', 'constructor', 'prototype', '__proto__[polluted]', 'constructor[prototype][polluted]', 'filters[__proto__][polluted]', 'populate[__proto__]', 'toString', 'hasOwnProperty') },
    { weight: 1, arbitrary: nastyString.map((text) => encodeURIComponent(text.replace(/[\ud800-\udfff]/g, '?'))) }
  );
  const shape = fc.oneof(
    fc.constant(''),
    fc.constant('[]'),
    fc.constantFrom('[0]', '[1]', '[a]', '[__proto__]', '[constructor][prototype]', '[$eq]', '[0][0]'),
    fc.constant(Array.from({ length: 30 }, (_, i) => `[d${i}]`).join(''))
  );
  const value = fc.oneof(
    { weight: 3, arbitrary: nastyString.map((text) => encodeURIComponent(text.replace(/[\ud800-\udfff]/g, '?'))) },
    { weight: 2, arbitrary: fc.constantFrom('off', 'on', 'true', 'false', '10', '-1', '1e9', 'readers', '*', 'api::article.article', 'en') },
    { weight: 1, arbitrary: fc.constantFrom(`%0d%0aSet-Cookie:%20${INJECTED}=1`, '%C3%28', '%FF%FE', '%', '%zz', '%00', 'x'.repeat(4000)) }
  );
  const hostile = fc.tuple(key, shape, value).map(([name, nested, text]) => `${name}${nested}=${text}`);
  return fc
    .tuple(fc.subarray([...valid], { maxLength: Math.min(3, valid.length) }), fc.option(hostile, { freq: 2 }))
    .map(([pairs, extra]) => [...pairs, ...(extra ? [extra] : [])].join('&'));
};
