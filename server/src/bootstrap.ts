import type { Core } from '@strapi/strapi';
import { pluginService } from './shared/plugin-services';

const bootstrap = async ({ strapi }: { strapi: Core.Strapi }) => {
  await pluginService(strapi, 'store').open();
};

export default bootstrap;
