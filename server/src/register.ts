import type { Core } from '@strapi/strapi';
import { createDocumentMiddleware } from './variants/document-middleware';
import { registerGraphqlExtension } from './variants/graphql-extension';

const register = ({ strapi }: { strapi: Core.Strapi }) => {
  // Resolution of variants on every read through the Document Service (REST, GraphQL, plugins).
  strapi.documents.use(createDocumentMiddleware(strapi) as never);
  registerGraphqlExtension(strapi);
};

export default register;
