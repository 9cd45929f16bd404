import type { Core } from '@strapi/strapi';
import type { Context } from 'koa';
import { pluginService } from '../shared/plugin-services';
import { dateOfDay } from '../shared/utc-date';
import { parseOrThrow } from '../shared/validation';
import { funnelCreateSchema, funnelReportQuery, funnelUpdateSchema, MAX_ENABLED_FUNNELS, MAX_FUNNEL_STEPS, MIN_FUNNEL_STEPS } from './funnel-input';

const body = (ctx: Context): unknown => (ctx.request as { body?: unknown }).body ?? {};

/**
 * Admin API of funnels (`/personalization/funnels`): definitions (`funnels.create|update|delete`)
 * and, with `analytics.read`, the list and each funnel's report over a range of days.
 */
const funnelsController = ({ strapi }: { strapi: Core.Strapi }) => {
  const funnels = () => pluginService(strapi, 'funnels');
  return {
    async list(ctx: Context) {
      ctx.body = { data: await funnels().list(), meta: { maxEnabled: MAX_ENABLED_FUNNELS, minSteps: MIN_FUNNEL_STEPS, maxSteps: MAX_FUNNEL_STEPS } };
    },

    async find(ctx: Context) {
      ctx.body = { data: await funnels().find(ctx.params.id) };
    },

    async create(ctx: Context) {
      ctx.status = 201;
      ctx.body = { data: await funnels().create(parseOrThrow(funnelCreateSchema, body(ctx))) };
    },

    async update(ctx: Context) {
      ctx.body = { data: await funnels().update(ctx.params.id, parseOrThrow(funnelUpdateSchema, body(ctx))) };
    },

    async remove(ctx: Context) {
      ctx.body = { data: await funnels().remove(ctx.params.id) };
    },

    /** `?from=YYYY-MM-DD&to=YYYY-MM-DD[&segment=<slug>]`: visitors per step by entry day, conversion, drop-off. */
    async report(ctx: Context) {
      const { fromDay, toDay, segment } = parseOrThrow(funnelReportQuery, ctx.query);
      const { funnel, steps } = await funnels().report(ctx.params.id, fromDay, toDay, segment);
      ctx.body = { data: { funnel: { documentId: funnel.documentId, name: funnel.name, window: funnel.window }, from: dateOfDay(fromDay), to: dateOfDay(toDay), segment: segment ?? null, steps } };
    },
  };
};

export default funnelsController;
