import { createHmac, randomUUID } from 'crypto';
import { identityKeys } from '../../server/src/identity/secret';
import { createVisitorToken } from '../../server/src/identity/visitor-token';

/** Builders of Segment-style events for tests, benchmarks and the demo. */

export const BROWSER_UA =
  'Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/126.0.0.0 Safari/537.36';
export const MOBILE_UA =
  'Mozilla/5.0 (iPhone; CPU iPhone OS 17_5 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/17.5 Mobile/15E148 Safari/604.1';

export const isoAgo = (seconds: number, from = Date.now()) => new Date(from - seconds * 1000).toISOString();

export const pageEvent = (extra: Record<string, unknown> = {}) => ({
  type: 'page',
  messageId: randomUUID(),
  context: { page: { url: 'https://example.com/movies', path: '/movies', title: 'Movies' } },
  ...extra,
});

export const trackEvent = (event: string, extra: Record<string, unknown> = {}) => ({
  type: 'track',
  event,
  messageId: randomUUID(),
  ...extra,
});

/** A visitor id in the accepted format. */
export const visitorId = () => `test-${randomUUID()}`;

/** The value of a Set-Cookie header for `name`, or undefined. */
export const setCookie = (headers: Record<string, unknown>, name: string): string | undefined => {
  const values = (headers['set-cookie'] as string[] | undefined) ?? [];
  return values.find((value) => value.startsWith(`${name}=`));
};

export const cookieValue = (header: string | undefined): string | undefined => header?.split(';')[0].split('=')[1];

/** The identity secret the test suites configure, and the proof a site's backend computes with it. */
export const IDENTITY_SECRET = 'test-identity-secret-0123456789abcdef';
export const userHashOf = (userId: string, secret = IDENTITY_SECRET) => createHmac('sha256', secret).update(userId).digest('hex');

/**
 * The credential (`<id>.<mac>`) of a visitor seeded by its bare id, as the plugin's identity service
 * signs it: what a browser holds after its first answer. Lets tests seed visitors with chosen ids.
 */
export const credentialFor = (app: { strapi: { plugin(name: string): { service(name: string): unknown } } }, visitorId: string): string =>
  (app.strapi.plugin('personalization').service('identity') as { visitorToken(id: string): string }).visitorToken(visitorId);

/**
 * The same credential computed from `IDENTITY_SECRET` alone, for an app configured with that
 * `identity.secret` and running in another process (no `app` to ask).
 */
export const credentialFromSecret = (visitorId: string, secret = IDENTITY_SECRET): string =>
  createVisitorToken(identityKeys(Buffer.from(secret, 'utf8')).token, visitorId);
