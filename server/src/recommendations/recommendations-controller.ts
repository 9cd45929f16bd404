import type { Core } from '@strapi/strapi';
import { errors } from '@strapi/utils';
import type { Context } from 'koa';
import { getPluginConfig } from '../config/get-plugin-config';
import { pluginService } from '../shared/plugin-services';
import { forbidden } from '../shared/http-errors';
import { parseOrThrow } from '../shared/validation';
import { findEntriesAsFound } from './entries-as-found';
import { recommendationQuerySchema } from './recommendation-query';

/**
 * `GET /api/personalization/recommendations?contentType=<uid>&limit=10[&for=<documentId>][&strategy=]`:
 * entries of a personalized collection type for the calling visitor (or related to one entry),
 * answered as the type's own `find` answers (`data`), with why each was chosen in
 * `meta.recommendations`. The caller must be allowed to `find` that type (the public role, a user's
 * role or an API token): the route's own permission is not enough. Only a signed visitor
 * credential with consent brings the visitor's history in; anyone else gets what needs no profile
 * (related entries, popular ones).
 */
const recommendationsController = ({ strapi }: { strapi: Core.Strapi }) => ({
  async find(ctx: Context) {
    const config = getPluginConfig(strapi);
    if (!config.recommendations.enabled) throw new errors.NotFoundError('recommendations are turned off (recommendations.enabled)');
    const query = parseOrThrow(recommendationQuerySchema(config.recommendations.maxLimit), ctx.query);
    const uid = pluginService(strapi, 'contentTypes').resolveUid(query.contentType);
    const contentType = uid ? strapi.contentType(uid as never) : undefined;
    if (!uid || contentType?.kind !== 'collectionType') {
      throw new errors.ValidationError(`contentType: "${query.contentType.slice(0, 100)}" is not a personalized collection type`);
    }
    try {
      await strapi.get('auth').verify(ctx.state.auth, { scope: [`${uid}.find`] });
    } catch {
      throw forbidden(`this caller may not read ${uid} (give its role or token the find permission)`);
    }

    const visitorId = await pluginService(strapi, 'identity').consentingReader(ctx);
    const served = await pluginService(strapi, 'recommendations').recommend({
      uid,
      visitorId,
      forDocumentId: query.for ?? null,
      strategy: query.strategy ?? null,
      limit: query.limit,
      includeViewed: query.includeViewed === 'true',
      now: Math.floor(Date.now() / 1000),
    });
    // Ask for a few more than needed: some may be unpublished, deleted or not in this locale.
    const entries = await findEntriesAsFound(
      strapi,
      ctx,
      uid,
      served.items.map((item) => item.documentId),
      query
    );
    const shown = entries.slice(0, query.limit);
    const shownIds = new Set(shown.map((entry) => entry.documentId));
    const recommendations = served.items.filter((item) => shownIds.has(item.documentId));
    pluginService(strapi, 'stats').count(`rec-served:${served.strategy}`);
    ctx.set('Cache-Control', visitorId ? 'private, no-store' : 'no-store');
    ctx.body = {
      data: shown,
      meta: {
        recommendations: recommendations.map(({ documentId, reason, score }) => ({ documentId, reason, score })),
        strategy: served.strategy,
        ...(served.experiment ? { experiment: served.experiment } : {}),
        ...(served.degraded ? { degraded: true } : {}),
      },
    };
  },
});

export default recommendationsController;
