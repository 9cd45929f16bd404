import type { Core } from '@strapi/strapi';
import type { Context } from 'koa';
import { pluginService } from '../shared/plugin-services';

/**
 * `GET /api/personalization/health`. Answers 200 even when Redis is down: content is still served
 * (without personalization), so a load balancer should keep the instance; `status` says degraded.
 * Also says what an operator should act on: a Redis eviction policy that deletes the plugin's data
 * (`warnings`), and buffered writes dropped since start because Redis stayed down (`dropped`).
 */
const healthController = ({ strapi }: { strapi: Core.Strapi }) => ({
  async check(ctx: Context) {
    const storeService = pluginService(strapi, 'store');
    const store = storeService.connection();
    const redis = await store.health();
    const status = store.kind === 'memory' || redis.connected ? 'ok' : 'degraded';
    const eviction = storeService.eviction();
    ctx.set('Cache-Control', 'no-store');
    ctx.body = {
      data: {
        status,
        store: store.kind,
        redis: store.kind === 'memory' ? redis : { ...redis, maxmemoryPolicy: eviction?.policy ?? null },
        warnings: eviction?.warning ? [eviction.warning] : [],
        dropped: pluginService(strapi, 'stats').droppedCounts(),
      },
    };
  },
});

export default healthController;
