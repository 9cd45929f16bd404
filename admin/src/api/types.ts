/** Shapes of the plugin's admin API, as the pages use them. */
import type { AnalyticsOverview } from '../../../server/src/analytics/analytics-overview';
import type { ClusterRunRecord, ClustersJobStatus } from '../../../server/src/clusters/clusters-service';
import type { FeatureDrift } from '../../../server/src/clusters/drift';
import type { FeatureSpec } from '../../../server/src/clusters/feature-vector';
import type { FunnelReportStep } from '../../../server/src/funnels/funnel-report';
import type { StoredFunnel } from '../../../server/src/funnels/funnels-service';
import type { Goal } from '../../../server/src/experiments/experiment-input';
import type { FactType } from '../../../server/src/segments/rules/operators';
import type { ExperimentRecord } from '../../../server/src/experiments/experiments-service';
import type { SegmentRecord } from '../../../server/src/segments/segments-service';
import type { PostOutcome } from '../../../server/src/triggers/post-delivery';
import type { QueueItem } from '../../../server/src/triggers/store/trigger-store';
import type { TriggerActions, TriggerCondition } from '../../../server/src/triggers/trigger-input';
import type { StoredTrigger } from '../../../server/src/triggers/triggers-service';
import type { EditableField } from '../../../server/src/variants/editor/editable-fields';
import type { ReferenceLabel } from '../../../server/src/variants/editor/reference-labels';

/** The server's own types where the API returns its records as they are (type-only imports). */
export type { EditableField, Goal, ReferenceLabel, TriggerActions, TriggerCondition };

/** A segment as the admin API lists it: its record, whether it may be edited, and its size. */
export type Segment = Omit<SegmentRecord, 'createdAt' | 'updatedAt'> & {
  readOnly: boolean;
  size: number;
  /** Daily sizes over the last two weeks (list only). */
  trend?: { date: string; size: number }[];
};

export interface SegmentTemplate {
  key: string;
  slug: string;
  name: string;
  description: string;
  added: boolean;
}

export interface FactCatalog {
  scalars: { name: string; type: FactType; windowCounter?: string; describe: string }[];
  /** `windowable`: its counters are kept in daily buckets too (`window: "7d"`). */
  families: { family: string; type: FactType; describe: string; windowable?: boolean }[];
  operators: readonly string[];
  /** The operators that apply to a fact of each type (the rule builder offers only these). */
  operatorsByType: Record<FactType, readonly string[]>;
  /** Other names a stored rule may use for an operator (`missing` for `notExists`). */
  operatorAliases: Record<string, string>;
  seen: Record<'events' | 'pages' | 'categories' | 'topics' | 'traits', string[]>;
}

export interface Variant {
  id: string;
  contentType: string;
  documentId: string;
  locale: string | null;
  segment: string | null;
  experiment: string | null;
  arm: string | null;
  label: string | null;
  priority: number;
  enabled: boolean;
  live: boolean;
  disabledReason: string | null;
  fields: Record<string, unknown>;
}

export type Analytics = AnalyticsOverview;

export interface Settings {
  consent: { mode: string; cookieName: string; honorBrowserSignals: boolean };
  retentionDays: number;
  cookie: { name: string; maxAgeDays: number };
  resolve: { timeoutMs: number };
  segmentsAsCode: number;
  store: { kind: string; description: string; status: 'ok' | 'degraded'; connected: boolean; latencyMs: number | null };
  trackerSnippet: string;
}

export type Experiment = Omit<ExperimentRecord, 'id' | 'promotion'>;

export interface GoalResult {
  conversions: number;
  total: number;
  rate: number;
  interval: [number, number];
  lift: number | null;
  z: number | null;
  pValue: number | null;
  significant: boolean | null;
}

export interface ExperimentResults {
  experiment: { key: string; status: Experiment['status']; startedAt: string | null; stoppedAt: string | null; winner: string | null };
  goals: { key: string; goal: Goal }[];
  holdout: number;
  arms: { key: string; weight: number; visitors: number; goals: Record<string, GoalResult> }[];
  sampleRatio: { chi2: number; df: number; pValue: number; mismatch: boolean } | null;
  daily: { date: string; arms: Record<string, { visitors: number; conversions: Record<string, number> }> }[];
}

/** `GET /personalization/paths`: where visitors went next from an entry (`recommendations/paths-controller.ts`). */
export interface Paths {
  kind: 'entries';
  contentType: string;
  from: { documentId: string; label: string } | null;
  starts: { documentId: string; label: string }[];
  steps: { documentId: string; label: string; share: number; next: { documentId: string; label: string; share: number }[] }[];
}

/** A funnel as the admin API returns it. */
export type Funnel = Omit<StoredFunnel, 'id' | 'createdAt' | 'updatedAt'>;

export interface FunnelsMeta {
  maxEnabled: number;
  minSteps: number;
  maxSteps: number;
}

/** `GET /personalization/funnels/:id/report`. */
export interface FunnelReport {
  funnel: { documentId: string; name: string; window: string };
  from: string;
  to: string;
  segment: string | null;
  steps: FunnelReportStep[];
}

/** `GET /personalization/paths[?page=]`: where visitors went next from a named page (a page or an event). */
export interface PagePaths {
  kind: 'pages';
  from: string | null;
  starts: string[];
  steps: { label: string; share: number; next: { label: string; share: number }[] }[];
}

export interface ContentTypeInfo {
  uid: string;
  displayName: string;
  localized?: boolean;
}

export interface VariantEditorData {
  contentType: string;
  localized: boolean;
  baseStatus: 'published' | 'draft';
  fields: EditableField[];
  base: Record<string, unknown>;
  mainFields: Record<string, string>;
  labels: Record<string, Record<string, ReferenceLabel>>;
}

/** `GET /personalization/clusters`. */
export interface ClustersOverview {
  enabled: boolean;
  status: ClustersJobStatus;
  current: ClusterRunRecord | null;
  live: { profiles: number; drift: FeatureDrift[] } | null;
  runs: Pick<ClusterRunRecord, 'documentId' | 'status' | 'reason' | 'startedAt' | 'finishedAt' | 'report'>[];
  featureCatalog: FeatureSpec[];
  segments: { documentId: string; slug: string; name: string }[];
}

/** What a trigger's firings came to, counted per day (`GET /personalization/triggers`, `last7Days`). */
export type TriggerOutcome = 'fired' | 'cooldown' | 'rate-limited' | 'duplicate' | 'delivered' | 'dead';

/** A trigger as the admin API lists it: its record and its outcomes over the last 7 days (list only). */
export type Trigger = Omit<StoredTrigger, 'id'> & { last7Days?: Record<TriggerOutcome, number> };

/** `meta` of `GET /personalization/triggers`: what the trigger form offers. */
export interface TriggersMeta {
  /** `triggers.enabled` of the plugin config: off, nothing fires. */
  enabled: boolean;
  /** The configured destinations of outbound actions (their secrets stay on the server). */
  destinations: { name: string; url: string }[];
  /** The visible seconds at which the tracker sends dwell heartbeats: the only dwell thresholds. */
  dwellHeartbeatsSec: number[];
  /** Operators of property filters. */
  operators: string[];
  /** Personalization-enabled content type uids. */
  contentTypes: string[];
}

/** An entry of the delivery log or the dead letters (`GET /personalization/triggers/deliveries`). */
export type Delivery = Omit<QueueItem, 'body'> & { hasBody: boolean };

/** `meta` of the delivery log: items waiting in the queue, and dead letters. */
export interface DeliveriesMeta {
  queued: number;
  dead: number;
}

/** `POST /personalization/triggers/:documentId/test`: what the destination answered to a sample payload. */
export type TriggerTestResult = PostOutcome & { destination: string; url: string };

/** Strapi's error answer: `{ error: { message, details: { errors: [{ path, message }] } } }`. */
export const errorMessage = (error: unknown): string => {
  const response = (error as { response?: { data?: { error?: { message?: string } } } })?.response;
  return response?.data?.error?.message ?? (error as Error)?.message ?? 'Something went wrong';
};

/**
 * The messages of a 400 by field: `error.details.errors[].path` joined with dots
 * (`condition.where.0.value`), first message per path. Empty for any other error.
 */
export const fieldErrors = (error: unknown): Record<string, string> => {
  const details = (error as { response?: { data?: { error?: { details?: { errors?: { path?: unknown[]; message?: string }[] } } } } })?.response?.data?.error?.details;
  const errors: Record<string, string> = {};
  for (const issue of details?.errors ?? []) {
    const key = (issue.path ?? []).map(String).join('.');
    if (issue.message && !(key in errors)) errors[key] = issue.message;
  }
  return errors;
};
