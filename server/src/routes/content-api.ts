/**
 * Public content-API routes, mounted under `/api/personalization`. None needs a Strapi user or API
 * token: each validates its own input and identifies visitors by cookie or signed token.
 */
const publicRoute = (method: 'GET' | 'POST' | 'DELETE', path: string, handler: string) => ({
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
    publicRoute('POST', '/consent', 'consent.update'),
    publicRoute('GET', '/profile', 'profile.find'),
    publicRoute('DELETE', '/profile', 'profile.erase'),
    publicRoute('GET', '/tracker.js', 'tracker.serve'),
  ],
};
