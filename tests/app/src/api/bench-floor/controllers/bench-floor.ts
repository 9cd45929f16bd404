import type { Context } from 'koa';

export default {
  accept(ctx: Context) {
    const body = (ctx.request as { body?: unknown }).body;
    ctx.status = 202;
    ctx.body = { data: { received: typeof body === 'object' && body !== null } };
  },
};
