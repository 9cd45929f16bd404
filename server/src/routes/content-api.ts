import type { HandlerName } from './handler';

/**
 * Content-API routes, mounted under `/api/personalization`. The public ones need no Strapi user or
 * API token: each validates its own input and identifies visitors by cookie or signed token (the
 * event routes also take a server source's write key; a webhook is signed by its source).
 * Segment's HTTP API paths live under `/v1`.
 */
const publicRoute = (method: 'GET' | 'POST' | 'DELETE', path: string, handler: HandlerName) => ({
  method,
  path,
  handler,
  config: { auth: false as const, policies: [] },
});

export default {
  type: 'content-api' as const,
  routes: [
    publicRoute('GET', '/health', 'health.check'),
    publicRoute('POST', '/events', 'ingest.collect'),
    publicRoute('POST', '/v1/batch', 'ingest.collect'),
    ...['track', 'page', 'identify', 'screen', 'alias', 'group'].map((call) => publicRoute('POST', `/v1/${call}`, 'ingest.collectOne')),
    publicRoute('POST', '/consent', 'consent.update'),
    // Authenticated by the HMAC signature of the body under the source's secret.
    publicRoute('POST', '/webhooks/:source', 'webhooks.receive'),
    publicRoute('GET', '/profile', 'profile.find'),
    publicRoute('DELETE', '/profile', 'profile.erase'),
    publicRoute('GET', '/tracker.js', 'tracker.serve'),
    // Needs the role's or token's permission for this action and the `find` permission of the
    // content type asked for (checked by the controller).
    { method: 'GET' as const, path: '/recommendations', handler: 'recommendations.find', config: { policies: [] } },
    // Needs an API token allowed this action (its name is the scope that `?psn_segment=` asks for).
    { method: 'GET' as const, path: '/preview/segments', handler: 'preview.segments' satisfies HandlerName, config: { policies: [] } },
  ],
};
