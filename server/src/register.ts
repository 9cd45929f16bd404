import type { Core } from '@strapi/strapi';

const register = (_context: { strapi: Core.Strapi }) => {};

export default register;
