import type { Core } from '@strapi/strapi';
import { ACTIONS } from './permissions';
import { pluginService } from './shared/plugin-services';
import { createRequestMiddleware } from './variants/request-middleware';

const bootstrap = async ({ strapi }: { strapi: Core.Strapi }) => {
  await strapi.admin!.services.permission.actionProvider.registerMany(
    ACTIONS.map((action) => ({ ...action, section: 'plugins', pluginName: 'personalization' }))
  );
  pluginService(strapi, 'identity').warnAboutWeakSecret();
  await pluginService(strapi, 'store').open();
  // Before anything reads history or forgets a deleted segment's (the config sync below).
  await pluginService(strapi, 'history').bootstrap();

  const segments = pluginService(strapi, 'segments');
  const synced = await segments.syncFromConfig();
  if (synced.created.length + synced.updated.length + synced.removed.length > 0) {
    strapi.log.info(
      `[personalization] segments from config: ${synced.created.length} created, ${synced.updated.length} updated, ${synced.removed.length} removed`
    );
  }
  await segments.start();
  await pluginService(strapi, 'variants').start();
  await pluginService(strapi, 'experiments').start();
  await pluginService(strapi, 'clusters').bootstrap();
  await pluginService(strapi, 'triggers').start();
  pluginService(strapi, 'deliveries').start();
  await pluginService(strapi, 'funnels').start();
  await pluginService(strapi, 'changes').start();
  pluginService(strapi, 'reevaluation').schedule();
  pluginService(strapi, 'history').schedule();
  // After Strapi's own middlewares (query parsing, body), before the router.
  strapi.server.use(createRequestMiddleware(strapi));
};

export default bootstrap;
