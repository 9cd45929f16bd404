import analyticsController from './analytics/analytics-controller';
import bootstrap from './bootstrap';
import changesService from './coordination/changes-service';
import config from './config';
import consentController from './consent/consent-controller';
import contentTypesController from './content/content-types-controller';
import contentTypesService from './content/content-types-service';
import destroy from './destroy';
import experimentsController from './experiments/experiments-controller';
import experimentsService from './experiments/experiments-service';
import healthController from './health/health-controller';
import identityService from './identity/identity-service';
import entryTopicsService from './ingest/entry-topics-service';
import ingestController from './ingest/ingest-controller';
import ingestService from './ingest/ingest-service';
import adminProfilesController from './profiles/admin-profiles-controller';
import profileController from './profiles/profile-controller';
import recommendationsController from './recommendations/recommendations-controller';
import recommendationsService from './recommendations/recommendations-service';
import register from './register';
import contentTypes from './content-types';
import reevaluationService from './segments/reevaluation-service';
import segmentsController from './segments/segments-controller';
import segmentsService from './segments/segments-service';
import routes from './routes';
import statsService from './stats/stats-service';
import settingsController from './settings/settings-controller';
import storeService from './store/store-service';
import variantEditorController from './variants/editor/editor-controller';
import previewController from './variants/preview-controller';
import variantsController from './variants/variants-controller';
import variantsService from './variants/variants-service';
import trackerController from './tracker/tracker-controller';

/** The server side of the plugin, as Strapi loads it from `./strapi-server`. */
export default {
  register,
  bootstrap,
  destroy,
  config,
  routes,
  contentTypes,
  controllers: {
    health: healthController,
    contentTypes: contentTypesController,
    ingest: ingestController,
    consent: consentController,
    profile: profileController,
    adminProfiles: adminProfilesController,
    tracker: trackerController,
    segments: segmentsController,
    variants: variantsController,
    experiments: experimentsController,
    analytics: analyticsController,
    settings: settingsController,
    preview: previewController,
    variantEditor: variantEditorController,
    recommendations: recommendationsController,
  },
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
    recommendations: recommendationsService,
  },
  policies: {},
  middlewares: {},
};
