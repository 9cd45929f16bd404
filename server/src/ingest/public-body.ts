import type { Core } from '@strapi/strapi';
import { errors } from '@strapi/utils';
import createHttpError from 'http-errors';
import type { Context, Next } from 'koa';
import { getPluginConfig } from '../config/get-plugin-config';
import contentApiRoutes from '../routes/content-api';
import { clientAddressHash } from '../shared/http';
import { unauthorized } from '../shared/http-errors';
import { validationError } from '../shared/validation';
import { BodyReadError, readDecodedBody } from './decoded-body';
import { findHostileJson } from './json-limits';
import { RateLimiter } from './rate-limiter';
import { authenticateSender, type SenderAuth } from './source-auth';

/** Decoded bytes a request may carry: a browser's batch, a server's (Segment's own limit), a consent choice. */
export const BODY_LIMITS = { browser: 64 * 1024, server: 512 * 1024, consent: 4 * 1024 } as const;


/** Given to Strapi's body parser once the body is read, so that it leaves the request alone. */
const READ_BY_PLUGIN = 'application/x-personalization-read';

export interface PublicBody {
  sender: SenderAuth & { kind: 'browser' | 'server' };
  body: Record<string, unknown>;
}

/** What a reader leaves on the request: what it read, or the refusal the controller throws. */
export type ReadOutcome<Read> = Read | { error: Error };

const STATE_KEY = 'personalizationBody';

/*
 * The steps below are shared with the inbound webhooks' reader (`webhooks/webhook-body.ts`),
 * which reads the same way but authenticates by a signature of the bytes instead of a header.
 */

/**
 * A path as Strapi's router matches it: whatever the case, with or without one trailing slash. A
 * reader that matched paths more strictly than the router would let `/events/` reach a controller
 * whose body was never read.
 */
export const asRouted = (path: string): string => path.toLowerCase().replace(/(.)\/$/, '$1');

/** The 429 of a request over its rate limit, with `Retry-After`. */
export const rateLimited = (ctx: Context, retryAfter: number, who: string): Error => {
  ctx.set('Retry-After', String(retryAfter));
  return new errors.RateLimitError(`too many requests from ${who}; retry later`, { retryAfter });
};

/** The body's decoded bytes, at most `limit` of them, or the refusal (413, 415, 400). */
export const readBodyWithin = async (ctx: Context, limit: number): Promise<ReadOutcome<{ bytes: Buffer }>> => {
  try {
    return { bytes: await readDecodedBody(ctx.req, limit) };
  } catch (error) {
    if (!(error instanceof BodyReadError)) throw error;
    if (error.status === 413) return { error: new errors.PayloadTooLargeError(error.message) };
    if (error.status === 415) return { error: createHttpError(415, error.message) };
    return { error: validationError([{ path: [], message: error.message }]) };
  }
};

/** JSON text as a value, scanned for prototype keys, absurd nesting and ill-formed Unicode; or the 400. */
export const parseJsonBody = (text: string): ReadOutcome<{ value: unknown }> => {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch {
    return { error: validationError([{ path: [], message: 'the body is not valid JSON' }]) };
  }
  const hostile = findHostileJson(value);
  return hostile ? { error: validationError([hostile]) } : { value };
};

/**
 * Runs a reader for the request and leaves its outcome under `stateKey` for the route's
 * controller (`takeReadOutcome`). The request then says it has no body left (no length, no
 * chunked encoding, a content type of its own): Strapi's body parser leaves it alone, and its
 * four content-type checks answer at once instead of each failing through its list of types.
 */
export const readAheadOfStrapi = async (ctx: Context, stateKey: string, read: () => Promise<ReadOutcome<object>>): Promise<void> => {
  ctx.state[stateKey] = await read().catch((error: Error) => ({ error }));
  const { headers } = ctx.req;
  headers['content-type'] = READ_BY_PLUGIN;
  delete headers['content-length'];
  delete headers['transfer-encoding'];
};

/** What the reader left for this request, or its refusal, thrown in Strapi's format. */
export const takeReadOutcome = <Read extends object>(ctx: Context, stateKey: string): Read => {
  const outcome = ctx.state[stateKey] as ReadOutcome<Read> | undefined;
  if (!outcome) throw new Error('personalization: the public body reader did not run for this route');
  if ('error' in outcome) throw outcome.error;
  return outcome;
};

/**
 * Hostile input must cost nothing, so the public POST routes are handled before Strapi's own body
 * parser (registered in `register`, this middleware runs ahead of the app's middlewares):
 * 1. the sender is told apart by its `Authorization` header (a write key or a browser), and a wrong
 *    write key is refused without reading further;
 * 2. the request is counted against its rate limit (per client address for browsers, per source for
 *    servers), failures included, before any parsing;
 * 3. the body is read with the decoded size capped, whatever the encoding or content type (Segment's
 *    SDKs send JSON, RudderStack's gzip under a form content type, the tracker text/plain);
 * 4. it is parsed as JSON and scanned for prototype keys, absurd nesting and ill-formed Unicode.
 * Nothing is answered here: the outcome waits on the request for the route's controller
 * (`takePublicBody`), so that errors leave in Strapi's format through its error middleware.
 */
export const createPublicBodyMiddleware = (strapi: Core.Strapi) => {
  // The plugin's public POST routes (events, Segment's paths, consent), as the router mounts them;
  // not the webhooks route (`/webhooks/:source`), which has its own reader.
  const prefix = `${String(strapi.config.get('api.rest.prefix', '/api'))}/personalization`;
  const paths = new Set(contentApiRoutes.routes.filter((route) => route.method === 'POST' && !route.path.includes('/:')).map((route) => asRouted(prefix + route.path)));
  let browserLimiter: RateLimiter | undefined;
  const sourceLimiters = new Map<string, RateLimiter>();
  let warnedAboutProxy = false;

  /** Behind a proxy Strapi was not told about, every visitor shares the proxy's address. */
  const addressIsReliable = (ctx: Context) => {
    if (ctx.app.proxy || !ctx.get('x-forwarded-for')) return true;
    if (!warnedAboutProxy) {
      warnedAboutProxy = true;
      strapi.log.warn(
        "[personalization] requests carry X-Forwarded-For but server.proxy is off: every visitor seems to come from the proxy's address, so events are not rate-limited per address. Set `proxy: true` in config/server.ts."
      );
    }
    return false;
  };

  const retryAfterFor = (ctx: Context, sender: PublicBody['sender']): number => {
    const config = getPluginConfig(strapi);
    if (sender.kind === 'server') {
      let limiter = sourceLimiters.get(sender.source.name);
      if (!limiter) sourceLimiters.set(sender.source.name, (limiter = new RateLimiter(sender.source.perMinute)));
      return limiter.hit(sender.source.name);
    }
    if (!addressIsReliable(ctx)) return 0;
    browserLimiter ??= new RateLimiter(config.ingest.perIpPerMinute);
    return browserLimiter.hit(clientAddressHash(ctx));
  };

  const read = async (ctx: Context): Promise<ReadOutcome<PublicBody>> => {
    const isConsent = asRouted(ctx.path).endsWith('/consent');
    const sender = isConsent ? ({ kind: 'browser' } as const) : authenticateSender(ctx.get('authorization') || undefined, getPluginConfig(strapi).sources);
    if (sender.kind === 'refused') return { error: unauthorized(`${sender.message}; nothing was stored`) };
    const retryAfter = retryAfterFor(ctx, sender);
    if (retryAfter > 0) return { error: rateLimited(ctx, retryAfter, sender.kind === 'server' ? `source "${sender.source.name}"` : 'this client') };
    const received = await readBodyWithin(ctx, isConsent ? BODY_LIMITS.consent : BODY_LIMITS[sender.kind]);
    if ('error' in received) return received;
    const parsed = parseJsonBody(received.bytes.toString('utf8'));
    if ('error' in parsed) return parsed;
    const body = parsed.value;
    if (typeof body !== 'object' || body === null || Array.isArray(body)) {
      return { error: validationError([{ path: [], message: 'expected a JSON object' }]) };
    }
    return { sender, body: body as Record<string, unknown> };
  };

  return async (ctx: Context, next: Next) => {
    if (ctx.method !== 'POST' || !paths.has(asRouted(ctx.path))) return next();
    await readAheadOfStrapi(ctx, STATE_KEY, () => read(ctx));
    return next();
  };
};

/** The body the middleware above read for this request, or its refusal, thrown in Strapi's format. */
export const takePublicBody = (ctx: Context): PublicBody => takeReadOutcome<PublicBody>(ctx, STATE_KEY);
