import type { Core } from '@strapi/strapi';
import type { Context } from 'koa';
import { LRUCache } from 'lru-cache';
import { getPluginConfig } from '../config/get-plugin-config';
import { consentOf } from '../consent/consent-of-request';
import { mergeInstruction } from '../profiles/merge-profiles';
import { containsPersonalData } from '../profiles/personal-data';
import { header, readCookie, setCookie } from '../shared/http';
import { pluginService } from '../shared/plugin-services';
import type { UpdateSettings } from '../store/profile-store';
import { eraseVisitor } from './erase-visitor';
import { ErasureSweeps } from './erasure-sweeps';
import { retireVisitor } from './retire-visitor';
import { identityKeys, identitySecret, type IdentityKeys } from './secret';
import { hashUserId } from './user-hash';
import { isValidUserHash } from './user-verification';
import { hasCredential, identifyVisitor, newVisitorId, type Visitor } from './visitor-identity';
import { isValidVisitorId } from '../store/keys';
import { visitorIdOfAnonymousId, visitorIdOfUser } from './visitor-key';
import { createVisitorToken } from './visitor-token';
import { weakIdentitySecret } from './weak-secret';

/** Hops followed from a retired visitor to the one it was merged into (merges keep chains at one). */
const MAX_ALIAS_HOPS = 8;

/** What a request's credentials say, beyond the headers: the batch's own fields. */
export interface BodyCredentials {
  visitorToken?: string;
  visitorKey?: string;
  anonymousId?: string;
}

/**
 * Who the caller is, one place for every endpoint: visitors (credentials, keys, bare ids), users
 * (hashed ids, proofs), and the links between them (merges of a user's devices, aliases).
 */
const identityService = ({ strapi }: { strapi: Core.Strapi }) => {
  let keys: IdentityKeys | undefined;
  const tokens = new LRUCache<string, string>({ max: 10_000 });
  const sweeps = new ErasureSweeps();
  const getKeys = () => (keys ??= identityKeys(identitySecret(getPluginConfig(strapi).identity.secret, strapi.config.get('server.app.keys'))));
  const profileStore = () => pluginService(strapi, 'store').profiles();
  /** What names a visitor: erase and retire span these capabilities. */
  const visitorStores = () => {
    const stores = pluginService(strapi, 'store');
    return { profiles: stores.profiles(), membership: stores.membership(), experiments: stores.experiments(), coEngagement: stores.coEngagement(), triggers: stores.triggers() };
  };

  /** Follows aliases to the visitor that holds the data; a cycle (left by a race) is broken where found. */
  const finalVisitor = async (visitorId: string): Promise<string> => {
    const seen = new Set<string>([visitorId]);
    let current = visitorId;
    for (let hop = 0; hop < MAX_ALIAS_HOPS; hop++) {
      const next = await profileStore().aliasOf(current);
      if (!next) return current;
      if (seen.has(next)) {
        await profileStore().clearAlias(current);
        return current;
      }
      seen.add(next);
      current = next;
    }
    await profileStore().clearAlias(current);
    return current;
  };

  return {
    /** At boot: say so when visitor credentials could be forged with a guessable secret. */
    warnAboutWeakSecret(): void {
      const reason = weakIdentitySecret(getPluginConfig(strapi).identity.secret, strapi.config.get('server.app.keys'));
      if (reason) {
        strapi.log.warn(`[personalization] ${reason}: anybody who guesses it can forge visitor credentials. Set identity.secret (e.g. from env PSN_IDENTITY_SECRET) to 32+ random characters.`);
      }
    },

    hashUserId: (userId: string) => hashUserId(getKeys().userId, userId),

    /** The visitor's credential (`<id>.<mac>`); cached, as every ingest answer carries one. */
    visitorToken(visitorId: string): string {
      let token = tokens.get(visitorId);
      if (!token) tokens.set(visitorId, (token = createVisitorToken(getKeys().token, visitorId)));
      return token;
    },

    /** Sets the visitor cookie (the credential, never the bare id) and returns the token. */
    issueCredential(ctx: Context, visitorId: string): string {
      const config = getPluginConfig(strapi);
      const token = this.visitorToken(visitorId);
      setCookie(ctx, config.cookie.name, token, config.cookie.maxAgeDays);
      return token;
    },

    /** A browser request's visitor: credential, visitor key, or (for writing events only) a bare id. */
    visitorOf(ctx: Context, body: BodyCredentials = {}): Visitor | null {
      return identifyVisitor(
        {
          cookie: readCookie(ctx, getPluginConfig(strapi).cookie.name),
          token: header(ctx, 'x-visitor-token') ?? body.visitorToken,
          visitorKey: body.visitorKey,
          bareId: header(ctx, 'x-visitor-id') ?? body.anonymousId,
        },
        getKeys()
      );
    },

    /** The caller's visitor if it proved itself (cookie or signed token): what reading and erasing need. */
    credentialOf(ctx: Context, body: Pick<BodyCredentials, 'visitorToken'> = {}): Visitor | null {
      const visitor = identifyVisitor(
        { cookie: readCookie(ctx, getPluginConfig(strapi).cookie.name), token: header(ctx, 'x-visitor-token') ?? body.visitorToken },
        getKeys()
      );
      return hasCredential(visitor) ? visitor : null;
    },

    /**
     * The visitor whose profile this read may use: one that proved itself and consents, followed
     * to the visitor it was merged into; null otherwise (the read is answered without a profile).
     */
    async consentingReader(ctx: Context): Promise<string | null> {
      const visitor = this.credentialOf(ctx);
      if (!visitor || !consentOf(ctx, getPluginConfig(strapi).consent)) return null;
      return this.finalVisitor(visitor.visitorId);
    },

    newVisitorId,

    /** A server source's `anonymousId` as a visitor id: itself when it fits the id alphabet (and is no IP), else a keyed hash of it. */
    visitorOfAnonymousId(anonymousId: string): string {
      const usable = isValidVisitorId(anonymousId) && !containsPersonalData(anonymousId);
      return usable ? anonymousId : visitorIdOfAnonymousId(getKeys().visitorKey, anonymousId);
    },

    /** The visitor a server source's `userId`-only events belong to: the user's, or one derived from the user. */
    async visitorOfUser(userHash: string): Promise<string> {
      return (await profileStore().userVisitor(userHash)) ?? visitorIdOfUser(getKeys().visitorKey, userHash);
    },

    /** Whether a browser proved `userId`: a users-permissions JWT of that very user, or the site backend's `userHash`. */
    async proves(userId: string, proof: { userHash?: string; jwt?: string }): Promise<boolean> {
      if (proof.userHash && isValidUserHash(getKeys().verification, userId, proof.userHash)) return true;
      const loggedIn = proof.jwt ? await this.loggedInUserId(proof.jwt) : undefined;
      return loggedIn !== undefined && loggedIn === userId;
    },

    /** The users-permissions user behind a valid JWT, as `up:<id>`. */
    async loggedInUserId(jwt: string): Promise<string | undefined> {
      const service = strapi.plugin('users-permissions')?.service('jwt') as { verify(token: string): Promise<{ id?: unknown }> } | undefined;
      try {
        const payload = await service?.verify(jwt);
        return payload?.id !== undefined && payload.id !== null ? `up:${String(payload.id)}` : undefined;
      } catch {
        return undefined;
      }
    },

    finalVisitor,

    /**
     * Links a user to a visitor, proven by the caller: the visitor becomes the user's if the user
     * has none; if the user has one already, this visitor's profile is merged into it and leaves an
     * alias behind. Resolves to the visitor that now holds the data.
     */
    async linkToUser(visitorId: string, userHash: string, settings: UpdateSettings, now: number): Promise<string> {
      const own = await finalVisitor(visitorId);
      const target = await finalVisitor(await profileStore().linkUser(userHash, own, settings.retentionSec));
      if (target === own) return own;
      const [source, into] = await Promise.all([profileStore().readProfile(own), profileStore().readProfile(target)]);
      if (source) await profileStore().applyMerge(target, mergeInstruction(into, source), settings, now);
      await retireVisitor(visitorStores(), own, target, settings.retentionSec);
      return target;
    },

    /**
     * Erases a visitor (and whoever was merged into it) from every structure that names it, and
     * again once other instances' write buffers have drained (`erasure-sweeps.ts`).
     */
    async erase(visitorId: string): Promise<boolean> {
      const target = await finalVisitor(visitorId);
      const segments = (await pluginService(strapi, 'segments').list()).map((segment) => segment.slug);
      const triggers = (await pluginService(strapi, 'triggers').list()).map((trigger) => trigger.slug);
      const eraseEverywhere = async () => {
        // Engagements and absence checks still waiting to be written would come back after the erase.
        pluginService(strapi, 'recommendations').forget([target, visitorId]);
        await pluginService(strapi, 'triggers').forget([target, visitorId]);
        const erased = await eraseVisitor(visitorStores(), target, segments, triggers);
        if (target !== visitorId) await eraseVisitor(visitorStores(), visitorId, [], triggers);
        return erased;
      };
      const erased = await eraseEverywhere();
      sweeps.schedule(eraseEverywhere, (error) => strapi.log.warn(`[personalization] the second pass of an erase failed: ${error}`));
      return erased;
    },

    /** Runs the erasures' second passes still waiting (at shutdown). */
    stop: () => sweeps.runNow(),
  };
};

export type IdentityService = ReturnType<typeof identityService>;
export default identityService;
