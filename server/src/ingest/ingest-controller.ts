import type { Core } from '@strapi/strapi';
import { errors } from '@strapi/utils';
import type { Context } from 'koa';
import { getPluginConfig } from '../config/get-plugin-config';
import { consentOf } from '../consent/consent-of-request';
import { hasCredential } from '../identity/visitor-identity';
import { header } from '../shared/http';
import { pluginService } from '../shared/plugin-services';
import { EVENT_TYPES, type EventType } from './event-schema';
import { tooManyEvents, whileStoring } from './ingest-errors';
import { parseBatch, type ParsedBatch } from './parse-batch';
import { asRouted, takePublicBody } from './public-body';
import { serverTotals } from './server-events';
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

  const storing = <T>(ctx: Context, work: () => Promise<T>) => whileStoring(strapi, ctx, work);

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
    if (outcome.status === 'rate-limited') throw tooManyEvents(ctx, outcome.retryAfterSec, 'this visitor');
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
    const totals = serverTotals(await storing(ctx, () => ingest().ingestServerEvents(batch.events, now)));
    if (totals.limited) throw tooManyEvents(ctx, totals.limited.retryAfterSec, `${totals.limited.visitors} of the batch's visitors`);
    ctx.status = 202;
    ctx.body = {
      data: { source: source.name, accepted: totals.accepted, duplicates: totals.duplicates, bots: totals.bots, visitors: totals.visitors },
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
      const path = asRouted(ctx.path);
      const type = path.slice(path.lastIndexOf('/') + 1) as EventType;
      if (!EVENT_TYPES.includes(type)) throw new errors.NotFoundError(`no such call "${type}"`);
      await handle(ctx, type);
    },
  };
};

export default ingestController;
