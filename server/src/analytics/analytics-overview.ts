import type { EventType } from '../ingest/event-schema';
import type { DailySize } from '../segments/size-series';
import type { WebhookCounts } from '../webhooks/webhook-counters';

/** What `GET /personalization/analytics` answers (the admin's Analytics page reads this type). */
export interface AnalyticsOverview {
  from: string;
  to: string;
  days: {
    date: string;
    events: Record<EventType, number>;
    activeVisitors: number;
    duplicates: number;
    bots: number;
    degraded: number;
  }[];
  segments: { slug: string; name: string; current: number; sizes: DailySize[] }[];
  variants: {
    id: string;
    label: string | null;
    /** The title (or name) of the entry the variant belongs to, for people. */
    entryTitle: string | null;
    contentType: string;
    documentId: string;
    locale: string | null;
    segment: string | null;
    experiment: string | null;
    arm: string | null;
    served: number;
    clicks: number;
    clickThrough: number | null;
  }[];
  /** Recommendation lists served and clicks in them, per strategy: over the range and per day. */
  recommendations: {
    strategy: string;
    served: number;
    clicks: number;
    clickThrough: number | null;
    days: { date: string; served: number; clicks: number }[];
  }[];
  totals: { events: number; duplicates: number; bots: number; degraded: number };
  /** Inbound webhooks over the range, per configured source: events stored, payloads ignored or invalid, requests refused by reason. */
  webhooks: WebhookCounts;
  /** When past days were last rolled up into the database (they outlive Redis from then on); null before the first rollup. */
  history: { lastRollup: string | null };
}
