import type { Core } from '@strapi/strapi';
import type { Context } from 'koa';
import { pluginService } from '../shared/plugin-services';

/** `GET /personalization/content-types` (admin): the personalization-enabled content types. */
const contentTypesController = ({ strapi }: { strapi: Core.Strapi }) => ({
  async list(ctx: Context) {
    ctx.body = { data: pluginService(strapi, 'contentTypes').listEnabled() };
  },
});

export default contentTypesController;
