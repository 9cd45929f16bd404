import { describeIssue, zodIssues } from '../shared/validation';
import { pluginConfigSchema, type PluginConfig } from './schema';

/** Parses the raw plugin config, filling defaults; throws one readable Error naming each bad key. */
export const parsePluginConfig = (raw: unknown): PluginConfig => {
  const result = pluginConfigSchema.safeParse(raw ?? {});
  if (!result.success) {
    throw new Error(zodIssues(result.error).map(describeIssue).join('; '));
  }
  return result.data;
};
