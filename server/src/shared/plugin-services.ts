import type { Core } from '@strapi/strapi';
import type contentTypesService from '../content/content-types-service';
import type { ClustersService } from '../clusters/clusters-service';
import type { ChangesService } from '../coordination/changes-service';
import type { ExperimentsService } from '../experiments/experiments-service';
import type { FunnelsService } from '../funnels/funnels-service';
import type { HistoryService } from '../history/history-service';
import type { IdentityService } from '../identity/identity-service';
import type { EntryTopicsService } from '../ingest/entry-topics-service';
import type { IngestService } from '../ingest/ingest-service';
import type { RecommendationsService } from '../recommendations/recommendations-service';
import type { ReevaluationService } from '../segments/reevaluation-service';
import type { SegmentsService } from '../segments/segments-service';
import type { StatsService } from '../stats/stats-service';
import type { StoreService } from '../store/store-service';
import type { DeliveriesService } from '../triggers/deliveries-service';
import type { TriggersService } from '../triggers/triggers-service';
import type { VariantsService } from '../variants/variants-service';

/** The plugin's services by name, typed, so callers need no casts. */
export interface PluginServices {
  store: StoreService;
  changes: ChangesService;
  contentTypes: ReturnType<typeof contentTypesService>;
  identity: IdentityService;
  ingest: IngestService;
  entryTopics: EntryTopicsService;
  stats: StatsService;
  segments: SegmentsService;
  reevaluation: ReevaluationService;
  variants: VariantsService;
  experiments: ExperimentsService;
  history: HistoryService;
  recommendations: RecommendationsService;
  clusters: ClustersService;
  triggers: TriggersService;
  deliveries: DeliveriesService;
  funnels: FunnelsService;
}

export const PLUGIN_ID = 'personalization';

export const pluginService = <Name extends keyof PluginServices>(
  strapi: Core.Strapi,
  name: Name
): PluginServices[Name] => strapi.plugin(PLUGIN_ID).service(name) as unknown as PluginServices[Name];
