import type { Core } from '@strapi/strapi';
import type { Context } from 'koa';
import { z } from 'zod';
import { getPluginConfig } from '../config/get-plugin-config';
import { clearCookie } from '../shared/http';
import { pluginService } from '../shared/plugin-services';
import { unauthorized } from '../shared/http-errors';
import { parseOrThrow } from '../shared/validation';
import { profileExport } from './profile-export';

const findQuery = z.strictObject({ export: z.enum(['true', 'false']).optional() });

/**
 * The visitor's own profile (GDPR Art. 15 and 17): `GET` returns it (`?export=true`: everything
 * held, as a download), `DELETE` erases it with every merged identity. Only the visitor cookie or a
 * signed visitor token identify the caller; a bare id never does.
 */
const profileController = ({ strapi }: { strapi: Core.Strapi }) => {
  const identity = () => pluginService(strapi, 'identity');

  const callerVisitorId = (ctx: Context): string => {
    const visitor = identity().credentialOf(ctx);
    if (!visitor) throw unauthorized('no visitor: send the visitor cookie or an X-Visitor-Token header');
    return visitor.visitorId;
  };

  return {
    async find(ctx: Context) {
      const query = parseOrThrow(findQuery, ctx.query);
      // A device merged into its user's visitor reads the user's profile.
      const visitorId = await identity().finalVisitor(callerVisitorId(ctx));
      const stored = await pluginService(strapi, 'store').profiles().readProfile(visitorId);
      const now = Math.floor(Date.now() / 1000);
      ctx.set('Cache-Control', 'no-store');
      const exported = profileExport(visitorId, stored, now, getPluginConfig(strapi));
      if (query.export === 'true') {
        ctx.set('Content-Disposition', 'attachment; filename="personalization-profile.json"');
        ctx.body = { data: exported };
        return;
      }
      ctx.body = { data: { visitorId, segments: exported.profile?.segments ?? [], profile: exported.profile } };
    },

    async erase(ctx: Context) {
      const erased = await identity().erase(callerVisitorId(ctx));
      clearCookie(ctx, getPluginConfig(strapi).cookie.name);
      ctx.set('Cache-Control', 'no-store');
      ctx.body = { data: { erased } };
    },
  };
};

export default profileController;
