/**
 * A do-nothing public POST route: the framework floor for benchmarks of routes that take a JSON
 * body (Strapi's body parsing, routing and middlewares, and nothing else).
 */
export default {
  routes: [
    {
      method: 'POST',
      path: '/bench-floor',
      handler: 'bench-floor.accept',
      config: { auth: false, policies: [] },
    },
  ],
};
