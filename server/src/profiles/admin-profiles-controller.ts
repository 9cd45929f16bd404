import type { Core } from '@strapi/strapi';
import { errors } from '@strapi/utils';
import type { Context } from 'koa';
import { z } from 'zod';
import { getPluginConfig } from '../config/get-plugin-config';
import { pluginService } from '../shared/plugin-services';
import { parseOrThrow } from '../shared/validation';
import { VISITOR_ID_PATTERN } from '../store/keys';
import { profileExport } from './profile-export';

const lookupQuery = z.strictObject({
  visitorId: z.string().regex(VISITOR_ID_PATTERN, 'not a visitor id').optional(),
  /** A raw user id, hashed here exactly as ingest does; never stored or logged. */
  userId: z.string().min(1).max(200).optional(),
}).refine((query) => Boolean(query.visitorId) !== Boolean(query.userId), 'give either visitorId or userId');

/**
 * Admin look-up and erasure of a visitor's profile (for access and erasure requests that reach the
 * site owner): `GET /personalization/profiles?visitorId=|userId=` and `DELETE` likewise.
 */
const adminProfilesController = ({ strapi }: { strapi: Core.Strapi }) => {
  const profileStore = () => pluginService(strapi, 'store').profiles();

  const resolveVisitorId = async (ctx: Context): Promise<string> => {
    const query = parseOrThrow(lookupQuery, ctx.query);
    const identity = pluginService(strapi, 'identity');
    const visitorId = query.visitorId ?? (await profileStore().userVisitor(identity.hashUserId(query.userId!)));
    if (!visitorId) throw new errors.NotFoundError('no profile is linked to this user id');
    return identity.finalVisitor(visitorId);
  };

  return {
    async find(ctx: Context) {
      const visitorId = await resolveVisitorId(ctx);
      const stored = await profileStore().readProfile(visitorId);
      if (!stored) throw new errors.NotFoundError('nothing is held about this visitor');
      ctx.body = { data: profileExport(visitorId, stored, Math.floor(Date.now() / 1000), getPluginConfig(strapi)) };
    },

    async erase(ctx: Context) {
      const visitorId = await resolveVisitorId(ctx);
      ctx.body = { data: { visitorId, erased: await pluginService(strapi, 'identity').erase(visitorId) } };
    },
  };
};

export default adminProfilesController;
