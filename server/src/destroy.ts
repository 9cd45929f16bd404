import type { Core } from '@strapi/strapi';
import { pluginService } from './shared/plugin-services';

const destroy = async ({ strapi }: { strapi: Core.Strapi }) => {
  await pluginService(strapi, 'reevaluation').stop().catch(() => {});
  await pluginService(strapi, 'history').stop().catch(() => {});
  await pluginService(strapi, 'clusters').stop().catch(() => {});
  await pluginService(strapi, 'deliveries').stop().catch(() => {});
  await pluginService(strapi, 'triggers').close().catch(() => {});
  await pluginService(strapi, 'changes').stop().catch(() => {});
  await pluginService(strapi, 'stats').stop().catch(() => {});
  await pluginService(strapi, 'recommendations').close().catch(() => {});
  await pluginService(strapi, 'identity').stop().catch(() => {});
  await pluginService(strapi, 'store').close();
};

export default destroy;
