import type { Core } from '@strapi/strapi';
import adminProfilesController from './profiles/admin-profiles-controller';
import analyticsController from './analytics/analytics-controller';
import clustersController from './clusters/clusters-controller';
import consentController from './consent/consent-controller';
import contentTypesController from './content/content-types-controller';
import experimentsController from './experiments/experiments-controller';
import funnelsController from './funnels/funnels-controller';
import healthController from './health/health-controller';
import historyController from './history/history-controller';
import ingestController from './ingest/ingest-controller';
import pathsController from './recommendations/paths-controller';
import previewController from './variants/preview-controller';
import profileController from './profiles/profile-controller';
import recommendationsController from './recommendations/recommendations-controller';
import segmentsController from './segments/segments-controller';
import settingsController from './settings/settings-controller';
import trackerController from './tracker/tracker-controller';
import triggersController from './triggers/triggers-controller';
import variantEditorController from './variants/editor/editor-controller';
import variantsController from './variants/variants-controller';
import webhooksController from './webhooks/webhooks-controller';

/**
 * The plugin's controllers by name. Routes name their handlers as `<controller>.<action>`, checked
 * against this map at compile time (`routes/handler.ts`): a renamed action is a type error, not a 404.
 */
export const controllers = {
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
  history: historyController,
  paths: pathsController,
  funnels: funnelsController,
  settings: settingsController,
  preview: previewController,
  variantEditor: variantEditorController,
  recommendations: recommendationsController,
  clusters: clustersController,
  triggers: triggersController,
  webhooks: webhooksController,
} satisfies Record<string, (context: { strapi: Core.Strapi }) => object>;

export type PluginControllers = typeof controllers;
