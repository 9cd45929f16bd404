import type { Core } from '@strapi/strapi';
import type { Context } from 'koa';
import { pluginService } from '../shared/plugin-services';
import { personalizationSwitch } from './resolution-scope';

/* The GraphQL plugin's nexus and type registry are untyped from here. */
/* eslint-disable @typescript-eslint/no-explicit-any */

/** The plugin's own content types: internal, never in the public schema (as content-releases does). */
const HIDDEN_CONTENT_TYPES = ['plugin::personalization.segment', 'plugin::personalization.variant', 'plugin::personalization.experiment'];

/**
 * With `@strapi/plugin-graphql`: a `personalization: Boolean` argument on the queries of
 * personalized content types (`false` serves base entries for that field, like `?psn=off`), and a
 * `personalizationProfile` query with the caller's visitor id and segments, and the plugin's own
 * content types left out of the schema. Resolution itself needs nothing here: GraphQL resolvers read
 * through the Document Service.
 */
export const registerGraphqlExtension = (strapi: Core.Strapi) => {
  const graphql = strapi.plugin('graphql');
  if (!graphql) return;
  const isEnabled = (uid: string | undefined) => Boolean(uid) && pluginService(strapi, 'contentTypes').isEnabled(uid!);
  const extension = graphql.service('extension');
  for (const uid of HIDDEN_CONTENT_TYPES) extension.shadowCRUD(uid).disable();

  extension.use(({ nexus, typeRegistry }: { nexus: any; typeRegistry: any }) => ({
    plugins: [
      nexus.plugin({
        name: 'PersonalizationArg',
        onAddOutputField(config: any) {
          if (config.parentType !== 'Query') return;
          const contentType = config.extensions?.strapi?.contentType ?? typeRegistry.get(config.type)?.config?.contentType;
          if (!isEnabled(contentType?.uid)) return;
          config.args = {
            ...config.args,
            personalization: nexus.booleanArg({ description: 'false: serve the base entries, without variants' }),
          };
        },
        onCreateFieldResolver(config: any) {
          if (!config.fieldConfig.args?.personalization) return undefined;
          return (root: unknown, args: Record<string, unknown>, ctx: unknown, info: unknown, next: any) => {
            const { personalization, ...rest } = args;
            return personalization === false
              ? personalizationSwitch.run(false, () => next(root, rest, ctx, info))
              : next(root, rest, ctx, info);
          };
        },
      }),
    ],
    types: [
      nexus.objectType({
        name: 'PersonalizationProfile',
        definition(t: any) {
          t.string('visitorId');
          t.nonNull.list.nonNull.string('segments');
        },
      }),
      nexus.extendType({
        type: 'Query',
        definition(t: any) {
          t.nonNull.field('personalizationProfile', {
            type: 'PersonalizationProfile',
            description: "The caller's visitor id and segments (needs the visitor cookie or an X-Visitor-Token)",
            async resolve() {
              const ctx = strapi.requestContext.get() as Context | undefined;
              const visitor = ctx ? pluginService(strapi, 'identity').credentialOf(ctx) : null;
              if (!visitor) return { visitorId: null, segments: [] };
              // A device merged into its user's visitor answers for that visitor.
              const visitorId = await pluginService(strapi, 'identity').finalVisitor(visitor.visitorId);
              return { visitorId, segments: await pluginService(strapi, 'store').get().readSegments(visitorId) };
            },
          });
        },
      }),
    ],
    resolversConfig: { 'Query.personalizationProfile': { auth: false } },
  }));
};
