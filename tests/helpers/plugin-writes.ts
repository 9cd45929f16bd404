import type { Core } from '@strapi/strapi';

/**
 * Writes the plugin's in-process buffers now instead of at their next flush: site counters (each
 * second), co-engagement (250 ms), absence checks (100 ms), segment member sets and log (250 ms). After
 * it, Redis holds everything the requests answered so far asked for: what counting tests read, and
 * what a test of "a refused request writes nothing" waits for so that an earlier request's writes
 * do not land during the refused one.
 */
export const flushPluginWrites = async (strapi: Core.Strapi): Promise<void> => {
  const plugin = strapi.plugin('personalization');
  const membership = plugin.service('store').membership() as { flush?: () => Promise<void> };
  await Promise.all([plugin.service('recommendations').flush(), plugin.service('triggers').flush(), membership.flush?.()]);
  // Last: the flushes above may count (a failed write, a trigger error).
  await plugin.service('stats').flush();
};
