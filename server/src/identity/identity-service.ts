import type { Core } from '@strapi/strapi';
import type { Context } from 'koa';
import { LRUCache } from 'lru-cache';
import { getPluginConfig } from '../config/get-plugin-config';
import { header, readCookie } from '../shared/http';
import { identitySecret } from './secret';
import { hashUserId } from './user-hash';
import { identifyVisitor, newVisitorId, type Visitor } from './visitor-identity';
import { createVisitorToken } from './visitor-token';

/** Who the caller is, and the keyed hashes that stand in for ids. One place for every endpoint. */
const identityService = ({ strapi }: { strapi: Core.Strapi }) => {
  let secret: Buffer | undefined;
  const tokens = new LRUCache<string, string>({ max: 10_000 });
  const getSecret = () =>
    (secret ??= identitySecret(getPluginConfig(strapi).identity.secret, strapi.config.get('server.app.keys')));

  return {
    hashUserId: (userId: string) => hashUserId(getSecret(), userId),

    /** Cached: every ingest answer carries one, and an HMAC per request adds up. */
    visitorToken(visitorId: string): string {
      let token = tokens.get(visitorId);
      if (!token) tokens.set(visitorId, (token = createVisitorToken(getSecret(), visitorId)));
      return token;
    },

    /**
     * The request's visitor. Reading endpoints pass `allowBareIds: false`: only the cookie or a
     * signed token then count, so nobody reads a profile by guessing an id.
     */
    visitorOf(ctx: Context, options: { allowBareIds: boolean; anonymousId?: string }): Visitor | null {
      return identifyVisitor(
        {
          cookie: readCookie(ctx, getPluginConfig(strapi).cookie.name),
          token: header(ctx, 'x-visitor-token'),
          header: header(ctx, 'x-visitor-id'),
          anonymousId: options.anonymousId,
        },
        getSecret(),
        { allowBareIds: options.allowBareIds }
      );
    },

    newVisitorId,

    /** The users-permissions user behind a valid `Authorization: Bearer` JWT, as `up:<id>`. */
    async loggedInUserId(ctx: Context): Promise<string | undefined> {
      if (!/^bearer\s/i.test(ctx.get('authorization'))) return undefined;
      const jwt = strapi.plugin('users-permissions')?.service('jwt') as
        | { getToken(ctx: Context): Promise<{ id?: unknown } | null> | null }
        | undefined;
      try {
        const payload = await jwt?.getToken(ctx);
        return payload?.id !== undefined && payload.id !== null ? `up:${String(payload.id)}` : undefined;
      } catch {
        return undefined;
      }
    },
  };
};

export type IdentityService = ReturnType<typeof identityService>;
export default identityService;
