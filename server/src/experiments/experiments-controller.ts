import type { Core } from '@strapi/strapi';
import type { Context } from 'koa';
import { pluginService } from '../shared/plugin-services';
import { parseOrThrow } from '../shared/validation';
import { experimentCreateSchema, experimentStopSchema, experimentUpdateSchema } from './experiment-input';

const body = (ctx: Context): unknown => (ctx.request as { body?: unknown }).body ?? {};

/** Admin API of experiments (`/personalization/experiments`), guarded by `plugin::personalization.experiments.*`. */
const experimentsController = ({ strapi }: { strapi: Core.Strapi }) => {
  const experiments = () => pluginService(strapi, 'experiments');
  return {
    async list(ctx: Context) {
      ctx.body = { data: await experiments().list() };
    },
    async find(ctx: Context) {
      ctx.body = { data: await experiments().find(ctx.params.id) };
    },
    async create(ctx: Context) {
      ctx.status = 201;
      ctx.body = { data: await experiments().create(parseOrThrow(experimentCreateSchema, body(ctx))) };
    },
    async update(ctx: Context) {
      ctx.body = { data: await experiments().update(ctx.params.id, parseOrThrow(experimentUpdateSchema, body(ctx))) };
    },
    async remove(ctx: Context) {
      ctx.body = { data: await experiments().remove(ctx.params.id) };
    },
    async start(ctx: Context) {
      ctx.body = { data: await experiments().transition(ctx.params.id, 'running') };
    },
    async pause(ctx: Context) {
      ctx.body = { data: await experiments().transition(ctx.params.id, 'paused') };
    },
    async stop(ctx: Context) {
      ctx.body = { data: await experiments().stopExperiment(ctx.params.id, parseOrThrow(experimentStopSchema, body(ctx))) };
    },
    async results(ctx: Context) {
      ctx.body = { data: await experiments().results(ctx.params.id) };
    },
  };
};

export default experimentsController;
