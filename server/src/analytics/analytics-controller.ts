import type { Core } from '@strapi/strapi';
import type { Context } from 'koa';
import { z } from 'zod';
import { pluginService } from '../shared/plugin-services';
import { parseOrThrow, validationError } from '../shared/validation';
import { utcDay } from '../store/keys';

const DAY_MS = 86_400_000;
const date = z.string().regex(/^\d{4}-\d{2}-\d{2}$/, 'expected a date YYYY-MM-DD');
const rangeQuery = z.strictObject({ from: date.optional(), to: date.optional() });
const MAX_DAYS = 180;

const dayOf = (value: string) => Math.floor(Date.parse(`${value}T00:00:00Z`) / DAY_MS);
const dateOf = (day: number) => new Date(day * DAY_MS).toISOString().slice(0, 10);

/**
 * `GET /personalization/analytics?from=&to=`: per day, events by type, active visitors, duplicates,
 * bots and degraded reads; segment sizes over the range; each variant's serves and clicks.
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

    const store = pluginService(strapi, 'store').get();
    const [stats, active, segments, variants] = await Promise.all([
      pluginService(strapi, 'stats').read(from, to),
      store.countActiveVisitors(days),
      pluginService(strapi, 'segments').list(),
      pluginService(strapi, 'variants').list({}),
    ]);
    const histories = await Promise.all(segments.map((segment) => store.segmentSizeHistory(segment.slug, from, to)));
    const current = await store.segmentSizes(segments.map((segment) => segment.slug));
    const sum = (name: string) => days.reduce((total, day) => total + (stats[day]?.[name] ?? 0), 0);

    ctx.body = {
      data: {
        from: dateOf(from),
        to: dateOf(to),
        days: days.map((day) => ({
          date: dateOf(day),
          events: { page: stats[day]?.['events:page'] ?? 0, track: stats[day]?.['events:track'] ?? 0, identify: stats[day]?.['events:identify'] ?? 0 },
          activeVisitors: active[day] ?? 0,
          duplicates: stats[day]?.duplicates ?? 0,
          bots: stats[day]?.bots ?? 0,
          degraded: stats[day]?.degraded ?? 0,
        })),
        segments: segments.map((segment, i) => ({
          slug: segment.slug,
          name: segment.name,
          current: current[segment.slug] ?? 0,
          sizes: Object.entries(histories[i]).map(([day, size]) => ({ date: dateOf(Number(day)), size })),
        })),
        variants: variants
          .map((variant) => {
            const served = sum(`served:${variant.documentId}`);
            const clicks = sum(`clicked:${variant.documentId}`);
            return {
              id: variant.documentId,
              label: variant.label,
              contentType: variant.contentType,
              documentId: variant.entryDocumentId,
              locale: variant.locale,
              segment: variant.segment,
              experiment: variant.experiment,
              arm: variant.arm,
              served,
              clicks,
              clickThrough: served > 0 ? Math.round((clicks / served) * 10_000) / 10_000 : null,
            };
          })
          .sort((a, b) => b.served - a.served),
        totals: {
          events: sum('events:page') + sum('events:track') + sum('events:identify'),
          duplicates: sum('duplicates'),
          bots: sum('bots'),
          degraded: sum('degraded'),
        },
      },
    };
  },
});

export default analyticsController;
