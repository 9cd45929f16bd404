import type { Core } from '@strapi/strapi';
import { createPublicBodyMiddleware } from './ingest/public-body';
import { createWebhookBodyMiddleware } from './webhooks/webhook-body';
import { createTopicsInvalidationMiddleware, createVariantsCleanupMiddleware } from './variants/entry-lifecycle-middleware';
import { createResolutionMiddleware } from './variants/resolution-middleware';
import { registerRecommendationsGraphql } from './recommendations/graphql-recommendations';
import { registerGraphqlExtension } from './variants/graphql-extension';

const register = ({ strapi }: { strapi: Core.Strapi }) => {
  // Ahead of the app's middlewares (Strapi adds those after register): the public POST routes are
  // rate-limited and their bodies read with a decoded-size cap before Strapi's body parser runs.
  strapi.server.use(createPublicBodyMiddleware(strapi));
  // The same for inbound webhooks, whose signature is checked on the bytes before they are parsed.
  strapi.server.use(createWebhookBodyMiddleware(strapi));
  // Resolution of variants on every read through the Document Service (REST, GraphQL, plugins).
  strapi.documents.use(createResolutionMiddleware(strapi) as never);
  // After writes to personalized entries, one middleware per concern: fresh topics, and no
  // variants left behind a deleted entry.
  strapi.documents.use(createTopicsInvalidationMiddleware(strapi) as never);
  strapi.documents.use(createVariantsCleanupMiddleware(strapi) as never);
  registerGraphqlExtension(strapi);
  registerRecommendationsGraphql(strapi);
};

export default register;
