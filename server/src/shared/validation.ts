import { errors } from '@strapi/utils';
import type { z } from 'zod';

export interface IssueLike {
  path: readonly PropertyKey[];
  message: string;
}

const formatPath = (path: readonly PropertyKey[]): string =>
  path.reduce<string>((text, key) => {
    if (typeof key === 'number') return `${text}[${key}]`;
    return text ? `${text}.${String(key)}` : String(key);
  }, '');

/** `events[2].type: unknown type "screen" (...)`; root-level issues have no path. */
export const describeIssue = (issue: IssueLike): string => {
  const where = formatPath(issue.path);
  return where ? `${where}: ${issue.message}` : issue.message;
};

/** Issues listed in `details.errors`: enough to fix a request, never a multi-megabyte answer. */
export const MAX_LISTED_ISSUES = 20;

/**
 * One 400 in Strapi's error format: the message names the first offending paths, and
 * `details.errors` lists the first issues with their paths, as Strapi's own validation errors do;
 * `details.more` says how many were left out.
 */
export const validationError = (issues: IssueLike[], maxInMessage = 3): errors.ValidationError => {
  const shown = issues.slice(0, maxInMessage).map(describeIssue).join('; ');
  const more = issues.length > maxInMessage ? ` (and ${issues.length - maxInMessage} more)` : '';
  const listed = issues.slice(0, MAX_LISTED_ISSUES);
  return new errors.ValidationError(`${shown}${more}`, {
    errors: listed.map((issue) => ({
      path: issue.path.map((key) => (typeof key === 'number' ? key : String(key))),
      message: issue.message.length > 300 ? `${issue.message.slice(0, 300)}...` : issue.message,
      name: 'ValidationError',
    })),
    ...(issues.length > listed.length ? { more: issues.length - listed.length } : {}),
  });
};

/** zod's unknown-key issue lists the keys; name them in the message. */
export const zodIssues = (error: z.ZodError): IssueLike[] =>
  error.issues.map((issue) =>
    issue.code === 'unrecognized_keys'
      ? { path: issue.path, message: `unknown field${issue.keys.length > 1 ? 's' : ''} ${issue.keys.map((key) => `"${key}"`).join(', ')}` }
      : { path: issue.path, message: issue.message }
  );

/** Parses with a zod schema or throws the 400 above. */
export const parseOrThrow = <Schema extends z.ZodType>(schema: Schema, input: unknown): z.output<Schema> => {
  const result = schema.safeParse(input);
  if (!result.success) throw validationError(zodIssues(result.error));
  return result.data;
};
