import type { Core } from '@strapi/strapi';
import { errors } from '@strapi/utils';
import { isHttpError } from 'http-errors';
import type { Context } from 'koa';
import { getPluginConfig } from '../config/get-plugin-config';
import { consentOf } from '../consent/consent-of-request';
import { clientAddressHash, header, setCookie } from '../shared/http';
import { pluginService } from '../shared/plugin-services';
import { parseOrThrow, validationError } from '../shared/validation';
import { eventBatchSchema, timestampIssues, type EventBatchInput, type IncomingEvent } from './event-schema';
import { RateLimiter } from './rate-limiter';
import { readJsonBody } from './read-body';
import { stripSegmentExtras } from './segment-extras';

/** Every event of one request belongs to one visitor and one user. */
const identityIssues = (batch: EventBatchInput, events: IncomingEvent[]) =>
  events.flatMap((event, index) => {
    const issues = [];
    if (event.anonymousId && batch.anonymousId && event.anonymousId !== batch.anonymousId) {
      issues.push({ path: ['events', index, 'anonymousId'], message: 'differs from the batch anonymousId: send one visitor per request' });
    }
    const userId = batch.userId ?? events.find((other) => other.userId)?.userId;
    if (event.userId && event.userId !== userId) {
      issues.push({ path: ['events', index, 'userId'], message: 'differs from the other user ids: send one user per request' });
    }
    return issues;
  });

/**
 * `POST /api/personalization/events`: validate the whole batch, then hand it to the ingest
 * service. Answers 202 with what was accepted, the visitor id (and a signed token for clients
 * without cookies) and the visitor's segments.
 */
const ingestController = ({ strapi }: { strapi: Core.Strapi }) => {
  let limiter: RateLimiter | undefined;

  return {
    async collect(ctx: Context) {
      const config = getPluginConfig(strapi);
      const now = Math.floor(Date.now() / 1000);

      const body = readJsonBody(ctx);
      const extraIssues = stripSegmentExtras(body);
      if (extraIssues.length > 0) throw validationError(extraIssues);
      const batch = parseOrThrow(eventBatchSchema, body);
      const events = (batch.events ?? batch.batch)!;
      const issues = [...timestampIssues(events, now), ...identityIssues(batch, events)];
      if (issues.length > 0) throw validationError(issues);

      limiter ??= new RateLimiter(config.ingest.perIpPerMinute);
      const retryAfter = limiter.hit(clientAddressHash(ctx));
      if (retryAfter > 0) {
        ctx.set('Retry-After', String(retryAfter));
        throw new errors.RateLimitError('too many requests from this client; retry later', { retryAfter });
      }

      if (!consentOf(ctx, config.consent)) {
        ctx.status = 202;
        ctx.body = { data: { accepted: 0, duplicates: 0, visitorId: null, segments: [], stored: false, reason: 'consent' } };
        return;
      }

      const identity = pluginService(strapi, 'identity');
      const anonymousId = batch.anonymousId ?? events.find((event) => event.anonymousId)?.anonymousId;
      const visitor = identity.visitorOf(ctx, { allowBareIds: true, anonymousId }) ?? {
        visitorId: identity.newVisitorId(),
        source: 'new' as const,
      };
      const userId = batch.userId ?? events.find((event) => event.userId)?.userId ?? (await identity.loggedInUserId(ctx));

      let outcome;
      try {
        outcome = await pluginService(strapi, 'ingest').ingest({
          visitorId: visitor.visitorId,
          userId,
          events,
          requestUserAgent: header(ctx, 'user-agent'),
          now,
        });
      } catch (error) {
        // The store is down or slow: say so, and let the sender retry (messageIds make that safe).
        if (isHttpError(error) && error.status === 503) {
          strapi.log.warn(`[personalization] events not stored: ${JSON.stringify(error.details)}`);
          ctx.set('Retry-After', '5');
        }
        throw error;
      }

      if (outcome.status === 'rate-limited') {
        ctx.set('Retry-After', String(outcome.retryAfterSec));
        throw new errors.RateLimitError('too many events for this visitor; retry later', { retryAfter: outcome.retryAfterSec });
      }
      ctx.status = 202;
      if (outcome.status === 'bot') {
        ctx.body = { data: { accepted: 0, duplicates: 0, visitorId: null, segments: [], stored: false, reason: 'bot' } };
        return;
      }
      if (visitor.source !== 'cookie' || outcome.visitorId !== visitor.visitorId) {
        setCookie(ctx, config.cookie.name, outcome.visitorId, config.cookie.maxAgeDays);
      }
      ctx.body = {
        data: {
          accepted: outcome.accepted,
          duplicates: outcome.duplicates,
          visitorId: outcome.visitorId,
          visitorToken: identity.visitorToken(outcome.visitorId),
          segments: outcome.segments,
        },
      };
    },
  };
};

export default ingestController;
