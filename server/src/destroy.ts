import type { Core } from '@strapi/strapi';
import { pluginService } from './shared/plugin-services';

/**
 * Shutdown (Strapi runs it on SIGTERM and SIGINT, before it closes its HTTP server): event batches
 * under way finish first and new ones are refused with a 503, then the jobs stop, then every buffer
 * is flushed, then the store closes. No event answered with a 2xx is lost this way.
 */
const destroy = async ({ strapi }: { strapi: Core.Strapi }) => {
  await pluginService(strapi, 'ingest').drain();
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
