import type { Context } from 'koa';
import { errors } from '@strapi/utils';
import { validationError } from '../shared/validation';
import { findHostileJson } from './json-limits';

export const MAX_BODY_BYTES = 64 * 1024;

/**
 * The request body as parsed JSON, from `application/json` (parsed by strapi::body) or `text/plain`
 * (what `navigator.sendBeacon` sends with a string). Refuses bodies over 64 KB (413), unparsable
 * text, and prototype keys or absurd nesting anywhere in it (400), before any schema runs.
 */
export const readJsonBody = (ctx: Context): Record<string, unknown> => {
  const declared = ctx.request.length;
  const body: unknown = (ctx.request as { body?: unknown }).body;
  const size = declared ?? (typeof body === 'string' ? Buffer.byteLength(body) : Buffer.byteLength(JSON.stringify(body ?? null)));
  if (size > MAX_BODY_BYTES) {
    throw new errors.PayloadTooLargeError(`request body is ${size} bytes; the limit is ${MAX_BODY_BYTES}`);
  }
  let parsed = body;
  if (typeof body === 'string') {
    try {
      parsed = JSON.parse(body);
    } catch {
      throw validationError([{ path: [], message: 'the body is not valid JSON' }]);
    }
  }
  if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed)) {
    throw validationError([{ path: [], message: 'expected a JSON object' }]);
  }
  const hostile = findHostileJson(parsed);
  if (hostile) throw validationError([hostile]);
  return parsed as Record<string, unknown>;
};
