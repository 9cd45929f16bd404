import type { Stores } from '../store/create-stores';

/**
 * Erases a visitor from every capability that names it: its profile and those of the visitors
 * merged into it with their aliases and user links, their assignments and conversions, their
 * engagement histories (what recommendations pair new items with), their entries in the segment
 * log and in the member sets of `segments` (every segment that may list them), their scheduled
 * checks, pending deliveries and cool-downs of `triggers`. Resolves to whether anything was held.
 */
export const eraseVisitor = async (
  stores: Pick<Stores, 'profiles' | 'membership' | 'experiments' | 'coEngagement' | 'triggers'>,
  visitorId: string,
  segments: readonly string[],
  triggers: readonly string[] = []
): Promise<boolean> => {
  const { held, visitorIds } = await stores.profiles.erase(visitorId);
  const [inMembership, inExperiments, inTriggers] = await Promise.all([
    stores.membership.forgetVisitors(visitorIds, segments),
    stores.experiments.forgetVisitors(visitorIds),
    stores.triggers.eraseVisitors(visitorIds, triggers),
    ...visitorIds.map((id) => stores.coEngagement.eraseVisitor(id)),
  ]);
  return held || inMembership || inExperiments || inTriggers;
};
