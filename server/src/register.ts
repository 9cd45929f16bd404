import type { Core } from '@strapi/strapi';
import { createPublicBodyMiddleware } from './ingest/public-body';
import { createDocumentMiddleware } from './variants/document-middleware';
import { registerGraphqlExtension } from './variants/graphql-extension';

const register = ({ strapi }: { strapi: Core.Strapi }) => {
  // Ahead of the app's middlewares (Strapi adds those after register): the public POST routes are
  // rate-limited and their bodies read with a decoded-size cap before Strapi's body parser runs.
  strapi.server.use(createPublicBodyMiddleware(strapi));
  // Resolution of variants on every read through the Document Service (REST, GraphQL, plugins).
  strapi.documents.use(createDocumentMiddleware(strapi) as never);
  registerGraphqlExtension(strapi);
};

export default register;
