import { parsePluginConfig } from './parse-config';

/**
 * Strapi merges `default` under the app's `personalization.config`, then calls `validator`; a throw
 * stops the boot with "Error regarding personalization config: <our message>". Defaults live in the
 * zod schema, so `default` stays empty and `strapi.config` keeps what the user wrote; code reads the
 * parsed form through `getPluginConfig`.
 */
export default {
  default: {},
  validator: (config: unknown) => {
    parsePluginConfig(config);
  },
};

export { parsePluginConfig } from './parse-config';
export type { PluginConfig, PluginConfigInput } from './schema';
