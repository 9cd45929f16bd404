import bootstrap from './bootstrap';
import config from './config';
import contentTypesController from './content/content-types-controller';
import contentTypesService from './content/content-types-service';
import destroy from './destroy';
import healthController from './health/health-controller';
import register from './register';
import routes from './routes';
import storeService from './store/store-service';

/** The server side of the plugin, as Strapi loads it from `./strapi-server`. */
export default {
  register,
  bootstrap,
  destroy,
  config,
  routes,
  contentTypes: {},
  controllers: {
    health: healthController,
    contentTypes: contentTypesController,
  },
  services: {
    store: storeService,
    contentTypes: contentTypesService,
  },
  policies: {},
  middlewares: {},
};
