import type { Core } from '@strapi/strapi';
import type { Context } from 'koa';
import { getPluginConfig } from '../config/get-plugin-config';
import { pluginService } from '../shared/plugin-services';
import { describeStore } from '../store/create-stores';

/**
 * `GET /personalization/settings`: what the plugin runs with (set in config/plugins.ts; shown,
 * not edited, in the admin), the store's state, and the tracker snippet for this site.
 */
const settingsController = ({ strapi }: { strapi: Core.Strapi }) => ({
  async find(ctx: Context) {
    const config = getPluginConfig(strapi);
    const store = pluginService(strapi, 'store').connection();
    const health = await store.health();
    const base = `${ctx.origin}${String(strapi.config.get('api.rest.prefix', '/api'))}/personalization`;
    ctx.body = {
      data: {
        consent: config.consent,
        retentionDays: config.retentionDays,
        cookie: config.cookie,
        session: config.session,
        affinity: config.affinity,
        resolve: config.resolve,
        segmentsAsCode: config.segments.length,
        store: {
          kind: store.kind,
          description: describeStore(config),
          status: store.kind === 'memory' || health.connected ? 'ok' : 'degraded',
          ...health,
        },
        trackerSnippet: `<script src="${base}/tracker.js" data-endpoint="${base}" async></script>`,
      },
    };
  },
});

export default settingsController;
