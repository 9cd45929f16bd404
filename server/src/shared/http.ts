import { createHmac, randomBytes } from 'crypto';
import type { Context } from 'koa';

/** Helpers for the public endpoints: headers, cookies, client addresses. */

export const header = (ctx: Context, name: string): string | undefined => {
  const value = ctx.get(name);
  return value === '' ? undefined : value;
};

export const readCookie = (ctx: Context, name: string): string | undefined =>
  ctx.cookies.get(name, { signed: false }) || undefined;

/** HttpOnly, SameSite=Lax, Secure when the request came over https (behind a proxy too, with `proxy: true`). */
export const setCookie = (ctx: Context, name: string, value: string, maxAgeDays: number): void => {
  ctx.cookies.set(name, value, {
    httpOnly: true,
    sameSite: 'lax',
    secure: ctx.secure,
    signed: false,
    overwrite: true,
    maxAge: maxAgeDays * 86_400_000,
    path: '/',
  });
};

export const clearCookie = (ctx: Context, name: string): void => {
  ctx.cookies.set(name, '', { httpOnly: true, sameSite: 'lax', secure: ctx.secure, signed: false, overwrite: true, maxAge: 0, path: '/' });
};

// Addresses are kept as a keyed hash whose key lives in this process's memory (and, raw, only beside
// the open connection they came on: see below).
const addressKey = randomBytes(32);

/**
 * The last pseudonym computed on each connection: a browser or a proxy sends many requests on one
 * kept-alive connection, and an HMAC per request was a measurable share of an ingest request. The
 * address is held only beside the socket, which holds its own address anyway, and goes with it.
 */
const pseudonymsBySocket = new WeakMap<object, { ip: string; hash: string }>();

/** A pseudonym of the client address for in-process rate limiting; the raw IP is never kept beyond its connection. */
export const clientAddressHash = (ctx: Context): string => {
  const ip = ctx.ip ?? '';
  const socket = ctx.req.socket as object | undefined;
  const last = socket ? pseudonymsBySocket.get(socket) : undefined;
  if (last?.ip === ip) return last.hash;
  const hash = createHmac('sha256', addressKey).update(ip).digest('base64url').slice(0, 22);
  if (socket) pseudonymsBySocket.set(socket, { ip, hash });
  return hash;
};
