import type { Core } from '@strapi/strapi';
import { ACTIONS } from './permissions';
import { pluginService } from './shared/plugin-services';

const bootstrap = async ({ strapi }: { strapi: Core.Strapi }) => {
  await strapi.admin!.services.permission.actionProvider.registerMany(
    ACTIONS.map((action) => ({ ...action, section: 'plugins', pluginName: 'personalization' }))
  );
  await pluginService(strapi, 'store').open();
  pluginService(strapi, 'stats').start();
};

export default bootstrap;
