import type { Core } from '@strapi/strapi';
import { errors } from '@strapi/utils';
import { isHttpError } from 'http-errors';
import type { Context } from 'koa';
import { getPluginConfig } from '../config/get-plugin-config';
import { consentOf } from '../consent/consent-of-request';
import { hasCredential } from '../identity/visitor-identity';
import { header } from '../shared/http';
import { pluginService } from '../shared/plugin-services';
import { EVENT_TYPES, type EventType, type IncomingEvent } from './event-schema';
import type { IngestOutcome } from './ingest-service';
import { parseBatch, type ParsedBatch } from './parse-batch';
import { takePublicBody } from './public-body';
import type { ServerSource } from './source-auth';

/** Why a browser's `userId` was not linked: no proof of the user, or no proof of the visitor. */
type Unidentified = 'unverified' | 'bare-visitor-id';

const notStored = (reason: 'consent' | 'bot') => ({ accepted: 0, duplicates: 0, visitorId: null, segments: [], stored: false, reason });

/**
 * `POST /api/personalization/events`, and Segment's HTTP API under `/api/personalization/v1/`
 * (`/batch`, and one call per path: `/track`, `/page`, `/identify`, `/screen`, `/alias`, `/group`).
 * The body was read and the sender told apart before Strapi's body parser (`public-body.ts`); here
 * it is validated whole, then handed to the ingest service per visitor. Answers 202.
 */
const ingestController = ({ strapi }: { strapi: Core.Strapi }) => {
  const identity = () => pluginService(strapi, 'identity');
  const ingest = () => pluginService(strapi, 'ingest');

  /**
   * The store unavailable (down, or slower than its budget) is a 503 the sender retries: the write
   * may have landed before the answer was lost, so the answer says to retry with the same
   * messageIds, which count once. A Lua error or any other bug stays a 500 (`store-unavailable.ts`).
   */
  const storing = async <T>(ctx: Context, work: () => Promise<T>): Promise<T> => {
    try {
      return await work();
    } catch (error) {
      if (isHttpError(error) && error.status === 503) {
        strapi.log.warn(`[personalization] events may not have been stored: ${JSON.stringify(error.details)}`);
        ctx.set('Retry-After', '5');
        error.message = 'the profile store did not confirm in time: the events may or may not have been stored; retry with the same messageIds (they are counted once)';
      }
      throw error;
    }
  };

  const tooMany = (ctx: Context, retryAfterSec: number, who: string) => {
    ctx.set('Retry-After', String(retryAfterSec));
    return new errors.RateLimitError(`too many events for ${who}; retry later (events already stored are counted once when sent again with their messageIds)`, { retryAfter: retryAfterSec });
  };

  /** A browser: one visitor (credential, visitor key, bare id or new), a user only with proof. */
  const fromBrowser = async (ctx: Context, batch: ParsedBatch, jwt: string | undefined, now: number) => {
    const visitor = identity().visitorOf(ctx, batch) ?? { visitorId: identity().newVisitorId(), source: 'new' as const };
    const loggedIn = jwt ? await identity().loggedInUserId(jwt) : undefined;
    const userId = batch.userId ?? loggedIn;
    let unidentified: Unidentified | undefined;
    if (userId && userId !== loggedIn && !(await identity().proves(userId, { userHash: batch.userHash, jwt }))) unidentified = 'unverified';
    else if (userId && !hasCredential(visitor)) unidentified = 'bare-visitor-id';

    const outcome = await storing(ctx, () =>
      ingest().ingest(
        { visitorId: visitor.visitorId, linkUserId: userId && !unidentified ? userId : undefined, events: batch.events },
        { sender: 'browser', requestUserAgent: header(ctx, 'user-agent'), provenVisitor: hasCredential(visitor), now }
      )
    );
    if (outcome.status === 'rate-limited') throw tooMany(ctx, outcome.retryAfterSec, 'this visitor');
    ctx.status = 202;
    if (outcome.status === 'bot') {
      ctx.body = { data: notStored('bot') };
      return;
    }
    // A bare id is a name anybody can type: its answers never carry a credential.
    const credential = hasCredential(visitor)
      ? visitor.source === 'cookie' && outcome.visitorId === visitor.visitorId
        ? identity().visitorToken(outcome.visitorId)
        : identity().issueCredential(ctx, outcome.visitorId)
      : undefined;
    ctx.body = {
      data: {
        accepted: outcome.accepted,
        duplicates: outcome.duplicates,
        visitorId: outcome.visitorId,
        ...(credential ? { visitorToken: credential } : {}),
        // Membership and on-site actions tell what the profile holds: only to the visitor's own credential.
        segments: credential ? outcome.segments : [],
        ...(outcome.actions.length > 0 ? { actions: outcome.actions } : {}),
        ...(userId ? { identified: !unidentified, ...(unidentified ? { reason: unidentified } : {}) } : {}),
      },
    };
  };

  /** A server source: trusted for user ids; every event names its visitor (anonymousId and/or userId). */
  const fromServer = async (ctx: Context, batch: ParsedBatch, source: ServerSource, now: number) => {
    const groups = new Map<string, IncomingEvent[]>();
    for (const event of batch.events) {
      const key = `${event.anonymousId ?? ''}\u0000${event.userId ?? ''}`;
      groups.set(key, [...(groups.get(key) ?? []), event]);
    }
    const outcomes: IngestOutcome[] = await storing(ctx, () =>
      Promise.all(
        [...groups.values()].map(async (events) => {
          const { anonymousId, userId } = events[0];
          const visitorId = anonymousId
            ? identity().visitorOfAnonymousId(anonymousId)
            : await identity().visitorOfUser(identity().hashUserId(userId!));
          return ingest().ingest({ visitorId, linkUserId: userId, events }, { sender: 'server', provenVisitor: true, now });
        })
      )
    );
    const limited = outcomes.filter((outcome) => outcome.status === 'rate-limited');
    if (limited.length > 0) throw tooMany(ctx, Math.max(...limited.map((outcome) => outcome.retryAfterSec)), `${limited.length} of the batch's visitors`);
    const total = (pick: (outcome: IngestOutcome) => number) => outcomes.reduce((sum, outcome) => sum + pick(outcome), 0);
    ctx.status = 202;
    ctx.body = {
      data: {
        source: source.name,
        accepted: total((outcome) => (outcome.status === 'stored' ? outcome.accepted : 0)),
        duplicates: total((outcome) => (outcome.status === 'stored' ? outcome.duplicates : 0)),
        bots: total((outcome) => (outcome.status === 'rate-limited' ? 0 : outcome.bots)),
        visitors: outcomes.filter((outcome) => outcome.status === 'stored').length,
      },
    };
  };

  const handle = async (ctx: Context, singleType?: EventType) => {
    const { sender, body } = takePublicBody(ctx);
    const now = Math.floor(Date.now() / 1000);
    const batch = parseBatch(body, {
      sender: sender.kind,
      nowSec: now,
      maxAgeDays: sender.kind === 'server' ? sender.source.maxAgeDays : undefined,
      singleType,
    });
    ctx.set('Cache-Control', 'no-store');
    if (!consentOf(ctx, getPluginConfig(strapi).consent)) {
      ctx.status = 202;
      ctx.body = { data: notStored('consent') };
      return;
    }
    if (sender.kind === 'server') await fromServer(ctx, batch, sender.source, now);
    else await fromBrowser(ctx, batch, sender.jwt, now);
  };

  return {
    collect: (ctx: Context) => handle(ctx),

    /** Segment's single-call paths: the call's type is the path's last part. */
    async collectOne(ctx: Context) {
      const type = ctx.path.slice(ctx.path.lastIndexOf('/') + 1) as EventType;
      if (!EVENT_TYPES.includes(type)) throw new errors.NotFoundError(`no such call "${type}"`);
      await handle(ctx, type);
    },
  };
};

export default ingestController;
