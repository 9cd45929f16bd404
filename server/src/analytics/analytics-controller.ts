import type { Core } from '@strapi/strapi';
import type { Context } from 'koa';
import { z } from 'zod';
import { getPluginConfig } from '../config/get-plugin-config';
import { STRATEGY_IDS } from '../recommendations/strategies';
import { pluginService } from '../shared/plugin-services';
import { parseOrThrow, validationError } from '../shared/validation';
import { EVENT_TYPES, type EventType } from '../ingest/event-schema';
import type { AnalyticsOverview } from './analytics-overview';
import { sizeSeries } from '../segments/size-series';
import { utcDay } from '../store/keys';
import { dateOfDay as dateOf, dayOfDate as dayOf } from '../shared/utc-date';
import type { VariantRecord } from '../variants/variants-service';
import { webhookCounts } from '../webhooks/webhook-counters';

const date = z.string().regex(/^\d{4}-\d{2}-\d{2}$/, 'expected a date YYYY-MM-DD');
const rangeQuery = z.strictObject({ from: date.optional(), to: date.optional() });
const MAX_DAYS = 180;

/** Clicks per serve, to four decimals; null before anything was served. */
const clickThrough = (clicks: number, served: number): number | null => (served > 0 ? Math.round((clicks / served) * 10_000) / 10_000 : null);

/** Attributes that usually name an entry, in order: what the admin shows for a variant's entry. */
const TITLE_ATTRIBUTES = ['title', 'name', 'headline', 'label', 'slug'];

/** `<uid>|<documentId>` -> the entry's title, one query per content type. */
const entryTitles = async (strapi: Core.Strapi, variants: VariantRecord[]): Promise<Map<string, string>> => {
  const byType = new Map<string, Set<string>>();
  for (const variant of variants) byType.set(variant.contentType, (byType.get(variant.contentType) ?? new Set()).add(variant.entryDocumentId));
  const titles = new Map<string, string>();
  await Promise.all(
    [...byType].map(async ([uid, documentIds]) => {
      const attributes = strapi.contentType(uid as never)?.attributes ?? {};
      const field = TITLE_ATTRIBUTES.find((name) => name in attributes);
      if (!field) return;
      const rows = (await strapi.db.query(uid as never).findMany({ where: { documentId: { $in: [...documentIds] } }, select: ['documentId', field] })) as Record<string, unknown>[];
      for (const row of rows) if (typeof row[field] === 'string') titles.set(`${uid}|${row.documentId}`, row[field] as string);
    })
  );
  return titles;
};

/**
 * `GET /personalization/analytics?from=&to=`: per day, events by type, active visitors, duplicates,
 * bots and degraded reads; segment sizes over the range; each variant's serves and clicks; each
 * recommendation strategy's lists served and clicks in them; how each inbound webhook source fared.
 */
const analyticsController = ({ strapi }: { strapi: Core.Strapi }) => ({
  async overview(ctx: Context) {
    const query = parseOrThrow(rangeQuery, ctx.query);
    const today = utcDay(Date.now() / 1000);
    const to = query.to ? dayOf(query.to) : today;
    const from = query.from ? dayOf(query.from) : to - 29;
    if (from > to) throw validationError([{ path: ['from'], message: 'must not be after "to"' }]);
    if (to - from + 1 > MAX_DAYS) throw validationError([{ path: ['from'], message: `at most ${MAX_DAYS} days at once` }]);
    const days = Array.from({ length: to - from + 1 }, (_, i) => from + i);

    // Past days from the history tables, today (and what is not rolled up yet) from Redis.
    const history = pluginService(strapi, 'history');
    const [{ counters: stats, activeVisitors: active }, rollup, segments, variants] = await Promise.all([
      history.dailyFigures(from, to),
      history.status(),
      pluginService(strapi, 'segments').list(),
      pluginService(strapi, 'variants').list({}),
    ]);
    const slugs = segments.map((segment) => segment.slug);
    const [histories, current] = await Promise.all([history.segmentSizes(slugs, from, to), pluginService(strapi, 'store').membership().segmentSizes(slugs)]);
    const sum = (name: string) => days.reduce((total, day) => total + (stats[day]?.[name] ?? 0), 0);
    const titles = await entryTitles(strapi, variants);

    const overview: AnalyticsOverview = {
      from: dateOf(from),
      to: dateOf(to),
      days: days.map((day) => ({
        date: dateOf(day),
        events: Object.fromEntries(EVENT_TYPES.map((type) => [type, stats[day]?.[`events:${type}`] ?? 0])) as Record<EventType, number>,
        activeVisitors: active[day] ?? 0,
        duplicates: stats[day]?.duplicates ?? 0,
        bots: stats[day]?.bots ?? 0,
        degraded: stats[day]?.degraded ?? 0,
      })),
      segments: segments.map((segment) => ({
        slug: segment.slug,
        name: segment.name,
        current: current[segment.slug] ?? 0,
        sizes: sizeSeries(histories[segment.slug], current[segment.slug] ?? 0, today, from, to),
      })),
      variants: variants
        .map((variant) => {
          const served = sum(`served:${variant.documentId}`);
          const clicks = sum(`clicked:${variant.documentId}`);
          return {
            id: variant.documentId,
            label: variant.label,
            entryTitle: titles.get(`${variant.contentType}|${variant.entryDocumentId}`) ?? null,
            contentType: variant.contentType,
            documentId: variant.entryDocumentId,
            locale: variant.locale,
            segment: variant.segment,
            experiment: variant.experiment,
            arm: variant.arm,
            served,
            clicks,
            clickThrough: clickThrough(clicks, served),
          };
        })
        .sort((a, b) => b.served - a.served),
      recommendations: STRATEGY_IDS.map((id) => {
        const served = sum(`rec-served:${id}`);
        const clicks = sum(`rec-clicked:${id}`);
        return {
          strategy: id,
          served,
          clicks,
          clickThrough: clickThrough(clicks, served),
          days: days.map((day) => ({ date: dateOf(day), served: stats[day]?.[`rec-served:${id}`] ?? 0, clicks: stats[day]?.[`rec-clicked:${id}`] ?? 0 })),
        };
      }),
      totals: {
        events: EVENT_TYPES.reduce((total, type) => total + sum(`events:${type}`), 0),
        duplicates: sum('duplicates'),
        bots: sum('bots'),
        degraded: sum('degraded'),
      },
      webhooks: webhookCounts(getPluginConfig(strapi).webhooks.sources, sum),
      history: { lastRollup: rollup.state === 'done' ? (rollup.finishedAt ?? null) : null },
    };
    ctx.body = { data: overview };
  },
});

export default analyticsController;
