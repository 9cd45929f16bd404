import type { Core } from '@strapi/strapi';
import { errors } from '@strapi/utils';
import type { Context } from 'koa';
import { z } from 'zod';
import { pluginService } from '../shared/plugin-services';
import { parseOrThrow } from '../shared/validation';
import { utcDay } from '../store/keys';
import { FACT_FAMILIES, SCALAR_FACTS, WINDOWED_FAMILIES } from './rules/facts';
import { OPERATOR_ALIASES, OPERATORS, OPERATORS_BY_TYPE } from './rules/operators';
import { ruleTreeSchema } from './rules/rule-schema';
import { segmentCreateSchema, segmentUpdateSchema, type SegmentCreate } from './segment-input';
import type { SegmentRecord } from './segments-service';
import { sizeSeries } from './size-series';
import { SEGMENT_TEMPLATES } from './templates';

const membersQuery = z.strictObject({ limit: z.coerce.number().int().min(1).max(1000).default(100) });
const sizesQuery = z.strictObject({ days: z.coerce.number().int().min(1).max(400).default(30) });
const logQuery = z.strictObject({ limit: z.coerce.number().int().min(1).max(1000).default(100) });
const validateBody = z.strictObject({
  kind: z.enum(['rule', 'cluster']).default('rule'),
  rules: ruleTreeSchema,
});
/** Days of size history the segment list shows as a trend. */
const TREND_DAYS = 14;
/** A dry run reads at most this many stored profiles. */
const VALIDATE_SAMPLE = 10_000;


const body = (ctx: Context): unknown => (ctx.request as { body?: unknown }).body ?? {};

/**
 * Admin API of segments (`/personalization/segments`), guarded by the
 * `plugin::personalization.segments.*` permissions.
 */
const segmentsController = ({ strapi }: { strapi: Core.Strapi }) => {
  const segments = () => pluginService(strapi, 'segments');
  const membershipStore = () => pluginService(strapi, 'store').membership();
  const profileStore = () => pluginService(strapi, 'store').profiles();
  const analyticsStore = () => pluginService(strapi, 'store').analytics();

  /** A segment as the admin sees it: its record, whether it may be edited, its current size. */
  const present = (segment: SegmentRecord, sizes: Record<string, number>) => ({
    ...segment,
    readOnly: segment.source === 'config',
    size: sizes[segment.slug] ?? 0,
  });

  return {
    /** Every segment with its size now and its daily sizes over the last two weeks (the trend). */
    async list(ctx: Context) {
      const all = await segments().list();
      const sizes = await membershipStore().segmentSizes(all.map((segment) => segment.slug));
      const today = utcDay(Date.now() / 1000);
      const histories = await pluginService(strapi, 'history').segmentSizes(
        all.map((segment) => segment.slug),
        today - TREND_DAYS + 1,
        today
      );
      ctx.body = {
        data: all.map((segment) => ({ ...present(segment, sizes), trend: sizeSeries(histories[segment.slug], sizes[segment.slug] ?? 0, today, today - TREND_DAYS + 1, today) })),
        meta: { reevaluation: await pluginService(strapi, 'reevaluation').status() },
      };
    },

    async find(ctx: Context) {
      const segment = await segments().find(ctx.params.id);
      ctx.body = { data: present(segment, await membershipStore().segmentSizes([segment.slug])) };
    },

    async create(ctx: Context) {
      const input = parseOrThrow(segmentCreateSchema, body(ctx));
      const created = await segments().create(input);
      ctx.status = 201;
      ctx.body = { data: present(created, {}) };
    },

    async update(ctx: Context) {
      const input = parseOrThrow(segmentUpdateSchema, body(ctx));
      const updated = await segments().update(ctx.params.id, input);
      ctx.body = { data: present(updated, await membershipStore().segmentSizes([updated.slug])) };
    },

    async remove(ctx: Context) {
      const removed = await segments().remove(ctx.params.id);
      ctx.body = { data: { ...removed, readOnly: false, size: 0 } };
    },

    /** Dry run: the errors, or how many stored profiles match now (from a sample past 10,000). */
    async validate(ctx: Context) {
      const input = parseOrThrow(validateBody, body(ctx));
      const now = Math.floor(Date.now() / 1000);
      const probe = segments().compileProbe(input.kind, input.rules);
      let cursor = '0';
      let scanned = 0;
      let matching = 0;
      do {
        const page = await profileStore().scanVisitors(cursor, 500);
        cursor = page.cursor;
        for (const profile of await profileStore().readProfiles(page.visitorIds)) {
          if (!profile || Object.keys(profile.fields).length === 0) continue;
          scanned += 1;
          if (probe(profile, now)) matching += 1;
        }
      } while (cursor !== '0' && scanned < VALIDATE_SAMPLE);
      ctx.body = { data: { valid: true, matching, scanned, complete: cursor === '0' } };
    },

    async members(ctx: Context) {
      const { limit } = parseOrThrow(membersQuery, ctx.query);
      const segment = await segments().find(ctx.params.id);
      const members = await membershipStore().segmentMembers(segment.slug, limit);
      ctx.body = {
        data: members.map(({ visitorId, confirmedAt }) => ({ visitorId, confirmedAt: new Date(confirmedAt * 1000).toISOString() })),
        meta: { segment: segment.slug, size: (await membershipStore().segmentSizes([segment.slug]))[segment.slug] },
      };
    },

    async sizes(ctx: Context) {
      const { days } = parseOrThrow(sizesQuery, ctx.query);
      const segment = await segments().find(ctx.params.id);
      const today = utcDay(Date.now() / 1000);
      const { [segment.slug]: history } = await pluginService(strapi, 'history').segmentSizes([segment.slug], today - days + 1, today);
      const current = (await membershipStore().segmentSizes([segment.slug]))[segment.slug] ?? 0;
      ctx.body = {
        data: sizeSeries(history, current, today, today - days + 1, today),
        meta: { segment: segment.slug, current },
      };
    },

    async templates(ctx: Context) {
      const existing = new Set((await segments().list()).map((segment) => segment.slug));
      ctx.body = {
        data: Object.entries(SEGMENT_TEMPLATES).map(([key, template]) => ({ key, ...template, added: existing.has(template.slug) })),
      };
    },

    async addTemplate(ctx: Context) {
      const template: SegmentCreate | undefined = SEGMENT_TEMPLATES[ctx.params.key];
      if (!template) throw new errors.NotFoundError(`no template "${ctx.params.key}"`);
      const created = await segments().create(template, { template: ctx.params.key });
      ctx.status = 201;
      ctx.body = { data: present(created, {}) };
    },

    /** The fact catalog, and the names actually seen in events, for rule builders. */
    async facts(ctx: Context) {
      await pluginService(strapi, 'stats').flush();
      const families = ['events', 'pages', 'categories', 'topics', 'traits'] as const;
      const seen = await Promise.all(families.map((family) => analyticsStore().seenNames(family, 200)));
      ctx.body = {
        data: {
          scalars: Object.entries(SCALAR_FACTS).map(([name, spec]) => ({ name, ...spec })),
          families: Object.entries(FACT_FAMILIES).map(([family, spec]) => ({
            family,
            type: spec.type,
            describe: spec.describe,
            windowable: WINDOWED_FAMILIES.has(family),
          })),
          operators: OPERATORS,
          operatorsByType: OPERATORS_BY_TYPE,
          operatorAliases: OPERATOR_ALIASES,
          seen: Object.fromEntries(families.map((family, i) => [family, seen[i]])),
        },
      };
    },

    async log(ctx: Context) {
      const { limit } = parseOrThrow(logQuery, ctx.query);
      const entries = await membershipStore().membershipLog(limit);
      ctx.body = { data: entries.map((entry) => ({ ...entry, at: new Date(entry.at * 1000).toISOString() })) };
    },

    async reevaluationStatus(ctx: Context) {
      ctx.body = { data: await pluginService(strapi, 'reevaluation').status() };
    },

    async reevaluate(ctx: Context) {
      pluginService(strapi, 'reevaluation').start('requested from the admin API');
      ctx.status = 202;
      ctx.body = { data: await pluginService(strapi, 'reevaluation').status() };
    },
  };
};

export default segmentsController;
