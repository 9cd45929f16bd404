import type { Core } from '@strapi/strapi';
import type { Context } from 'koa';
import { z } from 'zod';
import { getPluginConfig } from '../config/get-plugin-config';
import { pluginService } from '../shared/plugin-services';
import { parseOrThrow } from '../shared/validation';
import { utcDay } from '../store/keys';
import { OPERATOR_ALIASES } from '../segments/rules/operators';
import { FILTER_OPERATORS } from './property-filter';
import { triggerCreateSchema, triggerUpdateSchema } from './trigger-input';

const listQuery = z.strictObject({
  status: z.enum(['recent', 'dead']).default('recent'),
  limit: z.coerce.number().int().min(1).max(500).default(100),
});
const deliveryId = z.strictObject({ id: z.string().regex(/^[0-9a-f]{32}$/, 'expected a delivery id') });
/** Days of counters the trigger list shows. */
const COUNTER_DAYS = 7;
const OUTCOMES = ['fired', 'cooldown', 'rate-limited', 'duplicate', 'delivered', 'dead'] as const;

const body = (ctx: Context): unknown => (ctx.request as { body?: unknown }).body ?? {};

/**
 * Admin API of triggers (`/personalization/triggers`), guarded by the
 * `plugin::personalization.triggers.*` permissions: definitions, the delivery log, dead letters with
 * replay, and a test send.
 */
const triggersController = ({ strapi }: { strapi: Core.Strapi }) => {
  const triggers = () => pluginService(strapi, 'triggers');
  const deliveries = () => pluginService(strapi, 'deliveries');

  return {
    /** Every trigger with its outcomes over the last week, and what the form offers. */
    async list(ctx: Context) {
      const today = utcDay(Date.now() / 1000);
      const [all, { counters: stats }] = await Promise.all([triggers().list(), pluginService(strapi, 'history').dailyFigures(today - COUNTER_DAYS + 1, today)]);
      const totals = (slug: string) =>
        Object.fromEntries(OUTCOMES.map((outcome) => [outcome, Object.values(stats).reduce((sum, day) => sum + (Number(day[`trigger:${slug}:${outcome}`]) || 0), 0)]));
      const { destinations, dwellHeartbeatsSec, enabled } = getPluginConfig(strapi).triggers;
      ctx.body = {
        data: all.map((trigger) => ({ ...trigger, last7Days: totals(trigger.slug) })),
        meta: {
          enabled,
          destinations: destinations.map(({ name, url }) => ({ name, url })),
          dwellHeartbeatsSec,
          operators: FILTER_OPERATORS.filter((op) => !OPERATOR_ALIASES[op]),
          contentTypes: pluginService(strapi, 'contentTypes').listEnabled().map((contentType) => contentType.uid),
        },
      };
    },

    async find(ctx: Context) {
      ctx.body = { data: await triggers().find(ctx.params.id) };
    },

    async create(ctx: Context) {
      ctx.status = 201;
      ctx.body = { data: await triggers().create(parseOrThrow(triggerCreateSchema, body(ctx))) };
    },

    async update(ctx: Context) {
      ctx.body = { data: await triggers().update(ctx.params.id, parseOrThrow(triggerUpdateSchema, body(ctx))) };
    },

    async remove(ctx: Context) {
      ctx.body = { data: await triggers().remove(ctx.params.id) };
    },

    /** POSTs a sample payload to the trigger's destination now and answers with what the receiver said. */
    async test(ctx: Context) {
      const trigger = await triggers().find(ctx.params.id);
      ctx.body = { data: await deliveries().sendTest(trigger.slug) };
    },

    /** The delivery log (`status=recent`) or the dead letters (`status=dead`), newest first. */
    async deliveries(ctx: Context) {
      const query = parseOrThrow(listQuery, ctx.query);
      const { items, counts } = await deliveries().list(query.status, query.limit);
      ctx.body = { data: items, meta: counts };
    },

    async delivery(ctx: Context) {
      const { id } = parseOrThrow(deliveryId, { id: ctx.params.id });
      ctx.body = { data: await deliveries().read(id) };
    },

    async replay(ctx: Context) {
      const { id } = parseOrThrow(deliveryId, { id: ctx.params.id });
      await deliveries().replay(id);
      ctx.status = 202;
      ctx.body = { data: { id, status: 'pending' } };
    },
  };
};

export default triggersController;
