import type { Core } from '@strapi/strapi';

/** Tests run quietly (STRAPI_LOG_LEVEL=error); the demo logs requests as a generated app does. */
export default ({ env }: Core.Config.Shared.ConfigParams) => ({
  level: env('STRAPI_LOG_LEVEL', 'http'),
});
