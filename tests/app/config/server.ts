import type { Core } from '@strapi/strapi';

const config = ({ env }: Core.Config.Shared.ConfigParams): Core.Config.Server => ({
  host: env('HOST', '0.0.0.0'),
  port: env.int('PORT', 1337),
  app: { keys: env.array('APP_KEYS', ['test-app-key-1', 'test-app-key-2']) },
  // No update check: it would write tests/app/.strapi-updater.json, dirtying the working tree.
  logger: { updates: { enabled: false } },
});

export default config;
