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

/**
 * One 400 in Strapi's error format: the message names the first offending paths, and
 * `details.errors` lists every issue with its path, as Strapi's own validation errors do.
 */
export const validationError = (issues: IssueLike[], maxInMessage = 3): errors.ValidationError => {
  const shown = issues.slice(0, maxInMessage).map(describeIssue).join('; ');
  const more = issues.length > maxInMessage ? ` (and ${issues.length - maxInMessage} more)` : '';
  return new errors.ValidationError(`${shown}${more}`, {
    errors: issues.map((issue) => ({
      path: issue.path.map((key) => (typeof key === 'number' ? key : String(key))),
      message: issue.message,
      name: 'ValidationError',
    })),
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
