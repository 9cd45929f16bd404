import { z } from 'zod';

/**
 * The plugin configuration, as written under `personalization.config` in an app's
 * `config/plugins.ts`. Every object is strict so that a typo (`reids`, `retentiondays`) stops the
 * boot instead of being silently ignored. Later capabilities add their keys here.
 */

const redisUrl = z
  .string()
  .regex(/^rediss?:\/\/[^\s]+$/, 'expected a redis:// or rediss:// URL');

const clusterNode = z.strictObject({
  host: z.string().min(1, 'expected a host name'),
  port: z.number().int().min(1).max(65535),
});

export const pluginConfigSchema = z
  .strictObject({
    /** `'memory'` selects the single-process embedded store; anything else uses Redis. */
    store: z.enum(['redis', 'memory']).optional(),
    redis: z
      .strictObject({
        url: redisUrl.optional(),
        cluster: z.array(clusterNode).min(1, 'expected at least one {host, port} node').optional(),
        /** Budget for ordinary store calls (ingest, admin reads); resolution has its own. */
        commandTimeoutMs: z.number().int().min(10).max(60_000).default(1_000),
      })
      .default({ commandTimeoutMs: 1_000 }),
    keyPrefix: z
      .string()
      .regex(/^[A-Za-z0-9:_.-]{1,32}$/, 'expected 1-32 characters of A-Z a-z 0-9 : _ . -')
      .default('psn:'),
    cookie: z
      .strictObject({
        name: z
          .string()
          .regex(/^[A-Za-z0-9_-]{1,64}$/, 'expected a cookie name of A-Z a-z 0-9 _ -')
          .default('psn_vid'),
        maxAgeDays: z.number().int().min(1).max(3650).default(365),
      })
      .default({ name: 'psn_vid', maxAgeDays: 365 }),
    consent: z
      .strictObject({
        mode: z.enum(['opt-out', 'opt-in', 'none']).default('opt-out'),
      })
      .default({ mode: 'opt-out' }),
    retentionDays: z.number().int().min(1).max(3650).default(180),
    resolve: z
      .strictObject({
        timeoutMs: z.number().int().min(1).max(5_000).default(25),
      })
      .default({ timeoutMs: 25 }),
  })
  .superRefine((config, ctx) => {
    if (config.redis.url && config.redis.cluster) {
      ctx.addIssue({
        code: 'custom',
        path: ['redis'],
        message: 'give either redis.url or redis.cluster, not both',
      });
    }
    if (config.store === 'memory' && (config.redis.url || config.redis.cluster)) {
      ctx.addIssue({
        code: 'custom',
        path: ['store'],
        message: "store 'memory' cannot be combined with redis.url or redis.cluster; remove one",
      });
    }
  });

export type PluginConfigInput = z.input<typeof pluginConfigSchema>;
export type PluginConfig = z.output<typeof pluginConfigSchema>;

export const DEFAULT_REDIS_URL = 'redis://127.0.0.1:6379';
