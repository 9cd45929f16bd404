/** Public content-API routes, mounted under `/api/personalization`. */
export default {
  type: 'content-api' as const,
  routes: [
    {
      method: 'GET' as const,
      path: '/health',
      handler: 'health.check',
      config: { auth: false as const, policies: [] },
    },
  ],
};
