import type { Core } from '@strapi/strapi';
import { parsePluginConfig } from './parse-config';
import type { PluginConfig } from './schema';

const parsed = new WeakMap<object, PluginConfig>();

/** The validated plugin config with defaults applied, parsed once per Strapi instance. */
export const getPluginConfig = (strapi: Core.Strapi): PluginConfig => {
  let config = parsed.get(strapi);
  if (!config) {
    config = parsePluginConfig(strapi.config.get('plugin::personalization'));
    parsed.set(strapi, config);
  }
  return config;
};
