import type { Core } from '@strapi/strapi';
import type { Context, Next } from 'koa';
import { getPluginConfig } from '../config/get-plugin-config';
import { consentOf } from '../consent/consent-of-request';
import { pluginService } from '../shared/plugin-services';
import { RequestPersonalization } from './request-personalization';

/** Query parameters of the plugin, removed before Strapi validates the query (strictParams). */
export const OFF_PARAM = 'psn';
export const PREVIEW_PARAM = 'psn_segment';

const VISITOR_HEADERS = ['Cookie', 'X-Visitor-Token'];

/**
 * The Koa side of resolution, registered in bootstrap (after Strapi's own middlewares, before the
 * router). On content-API requests (the REST prefix and the GraphQL endpoint) it takes the plugin's
 * query parameters off, notes who the visitor is, and, once the route has answered, reports what was
 * personalized: `meta.personalization` (REST) or `extensions.personalization` (GraphQL), and
 * `Cache-Control: private` with `Vary` on the visitor headers. Requests without a visitor, and
 * everything else (admin, Content Manager), pass untouched and stay cacheable as before.
 */
export const createRequestMiddleware = (strapi: Core.Strapi) => {
  const restPrefix = String(strapi.config.get('api.rest.prefix', '/api'));
  const graphqlEndpoint = strapi.plugin('graphql') ? String(strapi.plugin('graphql').config('endpoint') ?? '/graphql') : null;

  return async (ctx: Context, next: Next) => {
    const isRest = ctx.path === restPrefix || ctx.path.startsWith(`${restPrefix}/`);
    const isGraphql = graphqlEndpoint !== null && ctx.path === graphqlEndpoint;
    if (!isRest && !isGraphql) return next();

    const query = ctx.query as Record<string, unknown>;
    const off = query[OFF_PARAM] === 'off';
    const preview = typeof query[PREVIEW_PARAM] === 'string' ? (query[PREVIEW_PARAM] as string) : null;
    if (OFF_PARAM in query || PREVIEW_PARAM in query) {
      const { [OFF_PARAM]: _off, [PREVIEW_PARAM]: _preview, ...rest } = query;
      ctx.query = rest as typeof ctx.query;
    }
    if (off) return next();

    // Only a visitor who proved itself (cookie or signed token) and consents is personalized: a bare
    // id would read somebody else's segments, and personalizing reads the profile.
    const config = getPluginConfig(strapi);
    const credential = pluginService(strapi, 'identity').credentialOf(ctx);
    const visitor = credential && consentOf(ctx, config.consent) ? credential : null;
    if (!visitor && !preview) return next();

    const state = new RequestPersonalization(
      visitor?.visitorId ?? null,
      preview,
      (visitorId) =>
        pluginService(strapi, 'store')
          .resolution()
          .readResolutionState(visitorId, { assignments: pluginService(strapi, 'experiments').running().all.length > 0 }),
      config.resolve.timeoutMs,
      () => pluginService(strapi, 'stats').count('degraded')
    );
    ctx.state.personalization = state;
    // Read the visitor's segments now, beside Strapi's routing, auth and database query.
    if (!preview) state.start();
    await next();

    if (!state.touched) return;
    const outcome = await state.settled();
    const report = {
      visitorId: state.visitorId,
      segments: outcome?.segments ?? [],
      variants: state.variants,
      ...(Object.keys(state.experiments).length > 0 ? { experiments: state.experiments } : {}),
      ...(outcome?.degraded ? { degraded: true } : {}),
      ...(outcome?.preview ? { preview: true } : {}),
    };
    ctx.set('Cache-Control', 'private');
    ctx.vary(VISITOR_HEADERS.join(', '));
    addToBody(ctx, report, isGraphql);
  };
};

const isObject = (value: unknown): value is Record<string, unknown> =>
  typeof value === 'object' && value !== null && !Array.isArray(value) && !Buffer.isBuffer(value);

/** REST: `meta.personalization`; GraphQL: `extensions.personalization` (the body may be a JSON string). */
const addToBody = (ctx: Context, report: Record<string, unknown>, isGraphql: boolean) => {
  if (isGraphql) {
    if (typeof ctx.body === 'string') {
      try {
        const parsed = JSON.parse(ctx.body);
        if (isObject(parsed)) ctx.body = JSON.stringify({ ...parsed, extensions: { ...(parsed.extensions as object), personalization: report } });
      } catch {
        // not JSON: leave it
      }
    } else if (isObject(ctx.body)) {
      ctx.body = { ...ctx.body, extensions: { ...(ctx.body.extensions as object), personalization: report } };
    }
    return;
  }
  if (isObject(ctx.body) && 'data' in ctx.body) {
    ctx.body = { ...ctx.body, meta: { ...(isObject(ctx.body.meta) ? ctx.body.meta : {}), personalization: report } };
  }
};
