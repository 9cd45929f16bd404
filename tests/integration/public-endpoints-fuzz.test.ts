/**
 * A bounded fuzz of the public endpoints (fast-check): whatever arrives, the answer is a 2xx or a
 * 4xx in Strapi's error format, never a 5xx. A failure prints the shrunk input that caused it.
 */
import fc from 'fast-check';
import { gzipSync } from 'zlib';
import { BROWSER_UA, credentialFor, pageEvent, trackEvent } from '../helpers/events';
import { rawPost } from '../helpers/raw-post';
import { startRedis, type PrivateRedis } from '../helpers/redis-server';
import { startTestApp, type TestApp } from '../helpers/strapi-app';
import request from 'supertest';

const WRITE_KEY = 'fuzz-write-key-0123456789abcdef';
const RUNS = Number(process.env.PSN_FUZZ_RUNS ?? 150);

describe('public endpoints under fuzzing', () => {
  let redis: PrivateRedis;
  let app: TestApp;

  beforeAll(async () => {
    redis = await startRedis();
    app = await startTestApp({ redisUrl: redis.url, pluginConfig: { sources: [{ name: 'fuzz', writeKey: WRITE_KEY }], ingest: { perIpPerMinute: 1_000_000 } } });
    await app.listen();
  });

  afterAll(async () => {
    await app?.stop();
    await redis?.stop();
  });

  /** Strings that tend to break parsers: lone surrogates, prototype names, huge, empty, control characters. */
  const nasty = fc.oneof(
    fc.string({ maxLength: 40 }),
    fc.constantFrom('__proto__', 'constructor', 'prototype', '\ud83d', 'x\udc00y', '', ' ', '\u0000', '😀', 'a'.repeat(2000), '{}', '[]', 'null', '1e309', 'jane@example.com', '203.0.113.1', 'toString'),
  );
  const anyJson = fc.letrec((tie) => ({
    value: fc.oneof({ depthSize: 'small' }, nasty, fc.integer(), fc.double(), fc.boolean(), fc.constant(null), fc.array(tie('value'), { maxLength: 4 }), fc.dictionary(nasty, tie('value'), { maxKeys: 4 })),
  })).value;
  /** A valid event with one field replaced by anything. */
  const mutatedEvent = fc
    .tuple(fc.constantFrom(pageEvent(), trackEvent('Signup', { category: 'account' }), { type: 'identify', userId: 'u-1', traits: { plan: 'pro' } }, { type: 'alias', previousId: 'p-1', userId: 'u-1' }, { type: 'group', groupId: 'g', anonymousId: 'anon-fuzz-1' }), fc.constantFrom('type', 'event', 'name', 'properties', 'traits', 'context', 'timestamp', 'messageId', 'anonymousId', 'userId', 'userHash', 'previousId', 'groupId', 'value', '_metadata', 'extra'), anyJson)
    .map(([event, field, value]) => ({ ...event, [field]: value }));
  const body = fc.oneof(
    anyJson,
    fc.record({ events: fc.array(mutatedEvent, { maxLength: 5 }) }),
    fc.record({ batch: fc.array(mutatedEvent, { maxLength: 5 }), anonymousId: nasty, userId: nasty, visitorToken: nasty, visitorKey: nasty, sentAt: anyJson }, { requiredKeys: ['batch'] }),
  );
  /** Header values travel as printable ASCII (Node refuses the rest before sending). */
  const headerText = nasty.map((value) => value.replace(/[^\x20-\x7e]/g, '?'));
  const headers = fc.record(
    {
      'Content-Type': fc.constantFrom('application/json', 'text/plain', 'application/x-www-form-urlencoded', 'multipart/form-data; boundary=x', 'application/xml', ''),
      'Content-Encoding': fc.constantFrom('identity', 'gzip', 'deflate', 'br', 'compress', 'gzip, gzip'),
      Authorization: fc.oneof(headerText, fc.constantFrom(`Basic ${Buffer.from(`${WRITE_KEY}:`).toString('base64')}`, `Bearer ${WRITE_KEY}`, 'Basic !!!', 'Bearer a.b.c')),
      Cookie: headerText.map((value) => `psn_vid=${value}`),
      'X-Visitor-Token': headerText,
      'X-Visitor-Id': headerText,
      'Sec-GPC': fc.constantFrom('1', '0'),
    },
    { requiredKeys: [] }
  );
  const encode = (value: unknown, encoding: string | undefined): Buffer => {
    const text = Buffer.from(JSON.stringify(value) ?? 'null');
    return encoding === 'gzip' || encoding === 'deflate' ? gzipSync(text) : text;
  };
  const expectNo5xx = (status: number, responseBody: unknown, input: unknown) => {
    if (status >= 500) throw new Error(`${status} for ${JSON.stringify(input).slice(0, 500)}: ${JSON.stringify(responseBody).slice(0, 300)}`);
    if (status >= 400) expect(responseBody).toMatchObject({ data: null, error: { status, name: expect.any(String), message: expect.any(String) } });
  };

  it.each(['/events', '/v1/batch', '/v1/track', '/v1/identify', '/v1/alias', '/consent'])('POST /api/personalization%s never answers 5xx', async (path) => {
    await fc.assert(
      fc.asyncProperty(body, headers, fc.boolean(), async (value, sent, garbled) => {
        const bytes = garbled ? Buffer.from([0x1f, 0x8b, 0xff, 0x00, 0x42]) : encode(value, sent['Content-Encoding']);
        const response = await rawPost(app.server, `/api/personalization${path}`, { 'User-Agent': BROWSER_UA, ...sent }, bytes);
        expectNo5xx(response.status, response.body, { value, sent, garbled });
      }),
      { numRuns: RUNS }
    );
  });

  it('GET and DELETE /api/personalization/profile, and personalized content reads, never answer 5xx', async () => {
    const article = await app.strapi.documents('api::article.article').create({ data: { title: 'Fuzzed', cta: 'Base' }, locale: 'en', status: 'published' } as never);
    const known = credentialFor(app, 'fuzz-known-visitor-1');
    await fc.assert(
      fc.asyncProperty(headers, fc.constantFrom('/api/personalization/profile', '/api/personalization/profile?export=true', `/api/articles/${article.documentId}`, '/api/articles?psn_segment=readers', '/api/articles?psn=off&populate=*', '/api/personalization/profile?export=maybe'), fc.constantFrom('get', 'delete'), fc.boolean(), async (sent, path, method, withKnown) => {
        const call = request(app.server)[method === 'delete' && path.startsWith('/api/articles') ? 'get' : method](path);
        for (const [name, value] of Object.entries(sent)) if (name !== 'Content-Encoding' && value) call.set(name, value);
        if (withKnown) call.set('X-Visitor-Token', known);
        const response = await call;
        expectNo5xx(response.status, response.body, { sent, path, method });
      }),
      { numRuns: RUNS }
    );
  });
});
