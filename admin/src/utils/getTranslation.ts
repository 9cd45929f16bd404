import { PLUGIN_ID } from '../pluginId';

/** Prefixes a translation key with the plugin id, as Strapi's own plugins do. */
export const getTranslation = (id: string) => `${PLUGIN_ID}.${id}`;
