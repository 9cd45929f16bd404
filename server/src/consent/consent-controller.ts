import type { Core } from '@strapi/strapi';
import type { Context } from 'koa';
import { z } from 'zod';
import { getPluginConfig } from '../config/get-plugin-config';
import { clearCookie, setCookie } from '../shared/http';
import { pluginService } from '../shared/plugin-services';
import { parseOrThrow } from '../shared/validation';
import { readJsonBody } from '../ingest/read-body';

const consentBody = z.strictObject({ analytics: z.boolean({ error: 'expected true or false' }) });

/**
 * `POST /api/personalization/consent {"analytics": true|false}` records the visitor's choice in a
 * cookie. Granting starts tracking (and sets the visitor cookie); refusing erases what is held and
 * removes the visitor cookie.
 */
const consentController = ({ strapi }: { strapi: Core.Strapi }) => ({
  async update(ctx: Context) {
    const { analytics } = parseOrThrow(consentBody, readJsonBody(ctx));
    const config = getPluginConfig(strapi);
    const identity = pluginService(strapi, 'identity');
    const visitor = identity.visitorOf(ctx, { allowBareIds: false });
    setCookie(ctx, config.consent.cookieName, analytics ? 'granted' : 'denied', config.cookie.maxAgeDays);
    ctx.set('Cache-Control', 'no-store');
    if (analytics) {
      const visitorId = visitor?.visitorId ?? identity.newVisitorId();
      if (!visitor) setCookie(ctx, config.cookie.name, visitorId, config.cookie.maxAgeDays);
      ctx.body = { data: { analytics, visitorId, visitorToken: identity.visitorToken(visitorId) } };
      return;
    }
    const erased = visitor ? await pluginService(strapi, 'store').get().erase(visitor.visitorId) : false;
    clearCookie(ctx, config.cookie.name);
    ctx.body = { data: { analytics, erased } };
  },
});

export default consentController;
