/**
 * Every route names a handler its controller defines. The compiler checks the names
 * (`routes/handler.ts`); this checks the same at run time, so that a route built some other way
 * (a string from a variable) cannot slip through as a 404.
 */
import type { Core } from '@strapi/strapi';
import { controllers } from '../../server/src/controllers';
import routes from '../../server/src/routes';
import type { HandlerName } from '../../server/src/routes/handler';

describe('routes', () => {
  const all = [...routes['content-api'].routes, ...routes.admin.routes];
  const strapi = {} as Core.Strapi;

  it.each(all.map((route) => [`${route.method} ${route.path}`, route.handler] as const))('%s -> %s exists', (_route, handler) => {
    const [controller, action] = handler.split('.');
    const actions = (controllers as Record<string, (context: { strapi: Core.Strapi }) => Record<string, unknown>>)[controller]?.({ strapi });
    expect(typeof actions?.[action]).toBe('function');
  });

  it('refuses, at compile time, a handler no controller defines', () => {
    // @ts-expect-error: no such action (`npm run typecheck` fails if this line ever compiles)
    const renamed: HandlerName = 'health.status';
    // @ts-expect-error: no such controller
    const missing: HandlerName = 'healthz.check';
    const real: HandlerName = 'health.check';
    expect([renamed, missing, real]).toHaveLength(3);
  });
});
