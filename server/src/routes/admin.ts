/** Admin routes, mounted under `/personalization` and reachable with an admin session only. */
export default {
  type: 'admin' as const,
  routes: [
    {
      method: 'GET' as const,
      path: '/content-types',
      handler: 'contentTypes.list',
      config: { policies: ['admin::isAuthenticatedAdmin'] },
    },
  ],
};
