import bootstrap from './bootstrap';
import clustersService from './clusters/clusters-service';
import changesService from './coordination/changes-service';
import config from './config';
import { controllers } from './controllers';
import contentTypesService from './content/content-types-service';
import destroy from './destroy';
import experimentsService from './experiments/experiments-service';
import funnelsService from './funnels/funnels-service';
import historyService from './history/history-service';
import identityService from './identity/identity-service';
import entryTopicsService from './ingest/entry-topics-service';
import ingestService from './ingest/ingest-service';
import recommendationsService from './recommendations/recommendations-service';
import register from './register';
import contentTypes from './content-types';
import reevaluationService from './segments/reevaluation-service';
import segmentsService from './segments/segments-service';
import routes from './routes';
import statsService from './stats/stats-service';
import storeService from './store/store-service';
import deliveriesService from './triggers/deliveries-service';
import triggersService from './triggers/triggers-service';
import variantsService from './variants/variants-service';

/** The server side of the plugin, as Strapi loads it from `./strapi-server`. */
export default {
  register,
  bootstrap,
  destroy,
  config,
  routes,
  contentTypes,
  controllers,
  services: {
    store: storeService,
    changes: changesService,
    contentTypes: contentTypesService,
    identity: identityService,
    ingest: ingestService,
    entryTopics: entryTopicsService,
    stats: statsService,
    segments: segmentsService,
    reevaluation: reevaluationService,
    variants: variantsService,
    experiments: experimentsService,
    history: historyService,
    recommendations: recommendationsService,
    clusters: clustersService,
    triggers: triggersService,
    funnels: funnelsService,
    deliveries: deliveriesService,
  },
  policies: {},
  middlewares: {},
};
