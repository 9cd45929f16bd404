import type { Core } from '@strapi/strapi';
import { ACTIONS } from './permissions';
import { pluginService } from './shared/plugin-services';

const bootstrap = async ({ strapi }: { strapi: Core.Strapi }) => {
  await strapi.admin!.services.permission.actionProvider.registerMany(
    ACTIONS.map((action) => ({ ...action, section: 'plugins', pluginName: 'personalization' }))
  );
  await pluginService(strapi, 'store').open();
  pluginService(strapi, 'stats').start();

  const segments = pluginService(strapi, 'segments');
  const synced = await segments.syncFromConfig();
  if (synced.created.length + synced.updated.length + synced.removed.length > 0) {
    strapi.log.info(
      `[personalization] segments from config: ${synced.created.length} created, ${synced.updated.length} updated, ${synced.removed.length} removed`
    );
  }
  await segments.start();
  pluginService(strapi, 'reevaluation').schedule();
};

export default bootstrap;
