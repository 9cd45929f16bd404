import fs from 'fs';
import path from 'path';
import type { Core } from '@strapi/strapi';

/** The plugin is loaded from this repository's working tree (built into its dist/ folder). */
const pluginRoot = (): string => {
  let dir = __dirname;
  while (!fs.existsSync(path.join(dir, 'strapi-server.ts'))) {
    const parent = path.dirname(dir);
    if (parent === dir) throw new Error('strapi-plugin-personalization: repository root not found');
    dir = parent;
  }
  return dir;
};

/**
 * PSN_STORE=memory selects the embedded store; otherwise PSN_REDIS_URL (default: local Redis).
 * PSN_CONFIG_JSON, used by tests, is merged over the rest.
 */
const personalizationConfig = (env: Core.Config.Shared.ConfigParams['env']) => {
  const base: Record<string, unknown> =
    env('PSN_STORE') === 'memory'
      ? { store: 'memory' }
      : { redis: { url: env('PSN_REDIS_URL', 'redis://127.0.0.1:6379') } };
  return { ...base, ...JSON.parse(env('PSN_CONFIG_JSON', '{}')) };
};

const config = ({ env }: Core.Config.Shared.ConfigParams): Core.Config.Plugin => ({
  personalization: {
    enabled: true,
    resolve: pluginRoot(),
    config: personalizationConfig(env),
  },
  graphql: {
    config: { defaultLimit: 25, maxLimit: 100, depthLimit: 10 },
  },
  'users-permissions': {
    config: { jwtSecret: env('JWT_SECRET', 'test-jwt-secret') },
  },
});

export default config;
