import type { Core } from '@strapi/strapi';
import createHttpError from 'http-errors';
import type { Context } from 'koa';
import { pluginService } from '../shared/plugin-services';

/** Admin API of reporting history (`/personalization/history`): the last rollup, and a rollup now. */
const historyController = ({ strapi }: { strapi: Core.Strapi }) => ({
  async status(ctx: Context) {
    ctx.body = { data: await pluginService(strapi, 'history').status() };
  },

  /**
   * Rolls up now and answers with the outcome (200 `done`, 202 `running` when another instance is
   * at it, 503 `failed`): before planned Redis maintenance, or to check a deployment.
   */
  async rollUp(ctx: Context) {
    const status = await pluginService(strapi, 'history').rollUp('requested in the admin');
    if (status.state === 'failed') throw createHttpError(503, `the history rollup failed: ${status.error}`);
    ctx.status = status.state === 'done' ? 200 : 202;
    ctx.body = { data: status };
  },
});

export default historyController;
