import type { Core } from '@strapi/strapi';
import type { Context } from 'koa';
import { getPluginConfig } from '../config/get-plugin-config';
import { pluginService } from '../shared/plugin-services';
import { parseOrThrow } from '../shared/validation';
import { recommendationQuerySchema } from './recommendation-query';
import { STRATEGY_IDS } from './strategies';

/* The GraphQL plugin's nexus and type registry are untyped from here. */
/* eslint-disable @typescript-eslint/no-explicit-any */

const upperFirst = (text: string) => text.charAt(0).toUpperCase() + text.slice(1);

/**
 * With `@strapi/plugin-graphql`, one query per personalized collection type, typed with the
 * type's own GraphQL object so that clients select fields and relations as in any query:
 *
 *   recommendedMovies(limit: 5, for: "<documentId>", strategy: "cf-v1") {
 *     strategy  items { documentId reason score entry { title genres } }
 *   }
 *
 * Same rules as `GET /recommendations`: the caller needs the type's `find` permission; only a
 * signed visitor credential with consent brings the visitor's history in.
 */
export const registerRecommendationsGraphql = (strapi: Core.Strapi) => {
  const graphql = strapi.plugin('graphql');
  if (!graphql) return;
  const extension = graphql.service('extension');
  extension.use(({ nexus }: { nexus: any }) => {
    if (!getPluginConfig(strapi).recommendations.enabled) return {};
    const { naming } = strapi.plugin('graphql').service('utils') as { naming: Record<'getTypeName' | 'getFindQueryName', (model: unknown) => string> };
    const collectionTypes = pluginService(strapi, 'contentTypes')
      .listEnabled()
      .map(({ uid }) => strapi.contentType(uid as never))
      .filter((contentType) => contentType?.kind === 'collectionType');

    const types: unknown[] = [];
    const resolversConfig: Record<string, unknown> = {};
    for (const contentType of collectionTypes) {
      const typeName = naming.getTypeName(contentType);
      const queryName = `recommended${upperFirst(naming.getFindQueryName(contentType))}`;
      resolversConfig[`Query.${queryName}`] = { auth: { scope: [`${contentType.uid}.find`] } };
      types.push(
        nexus.objectType({
          name: `${typeName}Recommendation`,
          definition(t: any) {
            t.nonNull.id('documentId');
            t.nonNull.string('reason', { description: 'next-step, co-engagement, topic or popular' });
            t.nonNull.float('score');
            t.nonNull.field('entry', { type: typeName });
          },
        }),
        nexus.objectType({
          name: `${typeName}Recommendations`,
          definition(t: any) {
            t.nonNull.string('strategy');
            t.boolean('degraded');
            t.nonNull.list.nonNull.field('items', { type: `${typeName}Recommendation` });
          },
        }),
        nexus.extendType({
          type: 'Query',
          definition(t: any) {
            t.nonNull.field(queryName, {
              type: `${typeName}Recommendations`,
              description: `${typeName} entries recommended for the calling visitor, or related to one entry (\`for\`)`,
              args: {
                limit: nexus.intArg(),
                for: nexus.idArg(),
                strategy: nexus.stringArg({ description: STRATEGY_IDS.join(', ') }),
                includeViewed: nexus.booleanArg(),
                locale: nexus.stringArg(),
              },
              async resolve(_root: unknown, args: Record<string, unknown>) {
                const config = getPluginConfig(strapi);
                const query = parseOrThrow(recommendationQuerySchema(config.recommendations.maxLimit), {
                  contentType: contentType.uid,
                  ...Object.fromEntries(Object.entries(args).filter(([, value]) => value !== undefined && value !== null)),
                  ...(typeof args.includeViewed === 'boolean' ? { includeViewed: String(args.includeViewed) } : {}),
                });
                const ctx = strapi.requestContext.get() as Context | undefined;
                const served = await pluginService(strapi, 'recommendations').recommend({
                  uid: contentType.uid,
                  visitorId: ctx ? await pluginService(strapi, 'identity').consentingReader(ctx) : null,
                  forDocumentId: query.for ?? null,
                  strategy: query.strategy ?? null,
                  limit: query.limit,
                  includeViewed: query.includeViewed === 'true',
                  now: Math.floor(Date.now() / 1000),
                });
                const ids = served.items.map((item) => item.documentId);
                const entries = ids.length
                  ? await strapi.documents(contentType.uid as never).findMany({
                      filters: { documentId: { $in: ids } },
                      status: 'published',
                      ...(query.locale ? { locale: query.locale } : {}),
                    } as never)
                  : [];
                const byId = new Map((entries as { documentId: string }[]).map((entry) => [entry.documentId, entry]));
                const items = served.items
                  .filter((item) => byId.has(item.documentId))
                  .slice(0, query.limit)
                  .map(({ documentId, reason, score }) => ({ documentId, reason, score, entry: byId.get(documentId) }));
                pluginService(strapi, 'stats').count(`rec-served:${served.strategy}`);
                return { strategy: served.strategy, degraded: served.degraded ?? null, items };
              },
            });
          },
        })
      );
    }
    return { types, resolversConfig };
  });
};
