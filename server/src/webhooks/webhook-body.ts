import type { Core } from '@strapi/strapi';
import { errors } from '@strapi/utils';
import type { Context, Next } from 'koa';
import { getPluginConfig } from '../config/get-plugin-config';
import { asRouted, BODY_LIMITS, parseJsonBody, rateLimited, readAheadOfStrapi, readBodyWithin, takeReadOutcome, type ReadOutcome } from '../ingest/public-body';
import { RateLimiter } from '../ingest/rate-limiter';
import { unauthorized } from '../shared/http-errors';
import { pluginService } from '../shared/plugin-services';
import { readSignatureHeader, verifySignature, type SignatureRefusal } from './verify-signature';
import type { WebhookSource } from './webhook-config';
import { webhookCounter, type WebhookRefusalReason } from './webhook-counters';

export interface WebhookBody {
  source: WebhookSource;
  /** The parsed JSON of a body whose signature was verified. */
  payload: unknown;
}

const STATE_KEY = 'personalizationWebhook';

/**
 * `POST /api/personalization/webhooks/:source`, read ahead of Strapi's body parser like the events
 * routes (`ingest/public-body.ts`, whose steps it reuses), in this order, each refusal costing less
 * than the next step:
 * 1. the source is found by the path's name; an unknown one is refused (saying no more);
 * 2. the request is counted against the source's rate limit;
 * 3. the signature header must be there and well-formed, before any byte of the body is read;
 * 4. the body's decoded bytes are read, at most the server limit (512 KB);
 * 5. their HMAC is checked against the header (and the signed time against the window);
 * 6. only an authentic body is parsed as JSON and scanned like any other.
 * Refusals (429, 401, 413, and a 400 for an authentic body that is not JSON) are counted per
 * source and reason in the site's daily stats; the outcome waits on the request for the controller
 * (`takeWebhookBody`), which throws refusals in Strapi's format.
 */
export const createWebhookBodyMiddleware = (strapi: Core.Strapi) => {
  // Lower case, as the router matches paths whatever their case (`asRouted`).
  const prefix = `${String(strapi.config.get('api.rest.prefix', '/api'))}/personalization/webhooks/`.toLowerCase();
  const limiters = new Map<string, RateLimiter>();
  const stats = () => pluginService(strapi, 'stats');

  const refused = (source: WebhookSource, reason: WebhookRefusalReason, error: Error) => {
    stats().count(webhookCounter.refused(source.name, reason));
    return { error };
  };
  const notAuthentic = (source: WebhookSource, refusal: SignatureRefusal) => refused(source, refusal.reason, unauthorized(`${refusal.message}; nothing was stored`));

  const read = async (ctx: Context, name: string): Promise<ReadOutcome<WebhookBody>> => {
    const source = getPluginConfig(strapi).webhooks.sources.find((candidate) => candidate.name === name);
    if (!source) {
      stats().count(webhookCounter.unknownSource);
      return { error: unauthorized('unknown webhook source; nothing was stored') };
    }
    let limiter = limiters.get(source.name);
    if (!limiter) limiters.set(source.name, (limiter = new RateLimiter(source.perMinute)));
    const retryAfter = limiter.hit(source.name);
    if (retryAfter > 0) return refused(source, 'rate-limited', rateLimited(ctx, retryAfter, `webhook source "${source.name}"`));

    const claim = readSignatureHeader(source, ctx.get(source.header) || undefined);
    if ('reason' in claim) return notAuthentic(source, claim);
    const received = await readBodyWithin(ctx, BODY_LIMITS.server);
    if ('error' in received) return received.error instanceof errors.PayloadTooLargeError ? refused(source, 'too-large', received.error) : received;
    const refusal = verifySignature(source, claim, received.bytes, Math.floor(Date.now() / 1000));
    if (refusal) return notAuthentic(source, refusal);
    const parsed = parseJsonBody(received.bytes.toString('utf8'));
    if ('error' in parsed) {
      stats().count(webhookCounter.invalid(source.name));
      return parsed;
    }
    return { source, payload: parsed.value };
  };

  return async (ctx: Context, next: Next) => {
    if (ctx.method !== 'POST' || !asRouted(ctx.path).startsWith(prefix)) return next();
    // The name as typed (source names are case-sensitive), without the slash the router ignores.
    const name = ctx.path.slice(prefix.length).replace(/\/$/, '');
    // Deeper paths are no route of ours: the router answers 404.
    if (name === '' || name.includes('/')) return next();
    await readAheadOfStrapi(ctx, STATE_KEY, () => read(ctx, name));
    return next();
  };
};

/** The verified payload the middleware above read for this request, or its refusal, thrown in Strapi's format. */
export const takeWebhookBody = (ctx: Context): WebhookBody => takeReadOutcome<WebhookBody>(ctx, STATE_KEY);
