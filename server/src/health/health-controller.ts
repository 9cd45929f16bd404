import type { Core } from '@strapi/strapi';
import type { Context } from 'koa';
import { pluginService } from '../shared/plugin-services';

/**
 * `GET /api/personalization/health`. Answers 200 even when Redis is down: content is still served
 * (without personalization), so a load balancer should keep the instance; `status` says degraded.
 */
const healthController = ({ strapi }: { strapi: Core.Strapi }) => ({
  async check(ctx: Context) {
    const store = pluginService(strapi, 'store').connection();
    const redis = await store.health();
    const status = store.kind === 'memory' || redis.connected ? 'ok' : 'degraded';
    ctx.set('Cache-Control', 'no-store');
    ctx.body = { data: { status, store: store.kind, redis } };
  },
});

export default healthController;
