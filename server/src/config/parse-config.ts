import type { z } from 'zod';
import { pluginConfigSchema, type PluginConfig } from './schema';

/** Turns zod issues into one line per bad key: `redis.url: expected a redis:// or rediss:// URL`. */
export const describeConfigIssues = (issues: z.core.$ZodIssue[]): string =>
  issues
    .map((issue) => {
      const key = issue.path.length > 0 ? issue.path.join('.') : '(root)';
      if (issue.code === 'unrecognized_keys') {
        const prefix = issue.path.length > 0 ? `${key}.` : '';
        return `unknown key${issue.keys.length > 1 ? 's' : ''} ${issue.keys
          .map((k) => `"${prefix}${k}"`)
          .join(', ')}`;
      }
      return `${key}: ${issue.message}`;
    })
    .join('; ');

/** Parses the raw plugin config, filling defaults; throws one readable Error when it is invalid. */
export const parsePluginConfig = (raw: unknown): PluginConfig => {
  const result = pluginConfigSchema.safeParse(raw ?? {});
  if (!result.success) {
    throw new Error(describeConfigIssues(result.error.issues));
  }
  return result.data;
};
