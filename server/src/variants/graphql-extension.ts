import type { Core } from '@strapi/strapi';
import type { Context } from 'koa';
import { pluginService } from '../shared/plugin-services';
import { createEntryFieldResolver, type EntryTypes } from './graphql-entry-fields';
import { graphqlRootField, personalizationSwitch } from './resolution-scope';

/* The GraphQL plugin's nexus and type registry are untyped from here. */
/* eslint-disable @typescript-eslint/no-explicit-any */

/** The plugin's own content types: internal, never in the public schema (as content-releases does). */
const HIDDEN_CONTENT_TYPES = [
  'plugin::personalization.segment',
  'plugin::personalization.variant',
  'plugin::personalization.experiment',
  'plugin::personalization.cluster-run',
];

/** The object type names of content types (personalized ones by uid) and components (by uid). */
const entryTypesOf = (strapi: Core.Strapi): EntryTypes => {
  const { naming } = strapi.plugin('graphql').service('utils') as { naming: Record<'getTypeName' | 'getComponentName', (model: unknown) => string> };
  const personalized = new Map(
    pluginService(strapi, 'contentTypes')
      .listEnabled()
      .map(({ uid }) => [naming.getTypeName(strapi.contentType(uid as never)), uid] as const)
  );
  const components = new Map(Object.entries(strapi.components).map(([uid, component]) => [naming.getComponentName(component), uid] as const));
  const entryTypes = new Set([...Object.values(strapi.contentTypes).map(naming.getTypeName), ...components.keys()]);
  return { personalized, components, isEntryType: (typeName) => entryTypes.has(typeName) };
};

/**
 * With `@strapi/plugin-graphql`: resolution in the field resolvers of personalized types (see
 * graphql-entry-fields.ts), a `personalization: Boolean` argument on the queries of personalized
 * content types (`false` serves base entries for that field, like `?psn=off`), a
 * `personalizationProfile` query with the caller's visitor id and segments, and the plugin's own
 * content types left out of the schema.
 */
export const registerGraphqlExtension = (strapi: Core.Strapi) => {
  const graphql = strapi.plugin('graphql');
  if (!graphql) return;
  const isEnabled = (uid: string | undefined) => Boolean(uid) && pluginService(strapi, 'contentTypes').isEnabled(uid!);
  const extension = graphql.service('extension');
  for (const uid of HIDDEN_CONTENT_TYPES) extension.shadowCRUD(uid).disable();

  /** Every root query runs under its response key, for the Document Service middleware to file its choices under. */
  const rootFieldResolver =
    (takesSwitch: boolean) => (root: unknown, args: Record<string, unknown>, ctx: any, info: { path: { key: string | number } }, next: any) => {
      const { personalization, ...rest } = args;
      const forward = () => next(root, takesSwitch ? rest : args, ctx, info);
      if (!ctx?.state?.personalization) return forward();
      const resolve = () => graphqlRootField.run(String(info.path.key), forward);
      return takesSwitch && personalization === false ? personalizationSwitch.run(false, resolve) : resolve();
    };

  extension.use(({ nexus, typeRegistry }: { nexus: any; typeRegistry: any }) => {
    // Called when the schema is built: every content type and component is known by then.
    const entryFields = createEntryFieldResolver(strapi, entryTypesOf(strapi));
    return {
      plugins: [
        nexus.plugin({
          name: 'Personalization',
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
            return config.parentTypeConfig.name === 'Query' ? rootFieldResolver(Boolean(config.fieldConfig.args?.personalization)) : entryFields(config);
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
                return { visitorId, segments: await pluginService(strapi, 'store').membership().readSegments(visitorId) };
              },
            });
          },
        }),
      ],
      resolversConfig: { 'Query.personalizationProfile': { auth: false } },
    };
  });
};
