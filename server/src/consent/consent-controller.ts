import type { Core } from '@strapi/strapi';
import type { Context } from 'koa';
import { z } from 'zod';
import { getPluginConfig } from '../config/get-plugin-config';
import { takePublicBody } from '../ingest/public-body';
import { clearCookie, setCookie } from '../shared/http';
import { pluginService } from '../shared/plugin-services';
import { parseOrThrow } from '../shared/validation';

const consentBody = z.strictObject({
  analytics: z.boolean({ error: 'expected true or false' }),
  /** The visitor's credential, for a tracker that cannot send the cookie (another domain). */
  visitorToken: z.string().max(200).optional(),
});

/**
 * `POST /api/personalization/consent {"analytics": true|false}` records the visitor's choice in a
 * cookie. Granting starts tracking (and issues the visitor's credential); refusing erases what is
 * held about the caller (proven by the cookie or a signed token, never a bare id) and removes the
 * visitor cookie.
 */
const consentController = ({ strapi }: { strapi: Core.Strapi }) => ({
  async update(ctx: Context) {
    const { analytics, visitorToken } = parseOrThrow(consentBody, takePublicBody(ctx).body);
    const config = getPluginConfig(strapi);
    const identity = pluginService(strapi, 'identity');
    const visitor = identity.credentialOf(ctx, { visitorToken });
    setCookie(ctx, config.consent.cookieName, analytics ? 'granted' : 'denied', config.cookie.maxAgeDays);
    ctx.set('Cache-Control', 'no-store');
    if (analytics) {
      const visitorId = visitor?.visitorId ?? identity.newVisitorId();
      ctx.body = { data: { analytics, visitorId, visitorToken: identity.issueCredential(ctx, visitorId) } };
      return;
    }
    const erased = visitor ? await identity.erase(visitor.visitorId) : false;
    clearCookie(ctx, config.cookie.name);
    ctx.body = { data: { analytics, erased } };
  },
});

export default consentController;
