import type { Stores } from '../store/create-stores';

/**
 * After `fromVisitorId` was merged into `intoVisitorId`: its log entries are filed under the
 * visitor it joined (so that erasing that one erases them), its profile goes, leaving an alias,
 * and its assignments, conversions and engagement history go (the merged profile keeps the
 * target's arms; the pairs its history made stay counted, as anonymous co-engagement).
 */
export const retireVisitor = async (
  stores: Pick<Stores, 'profiles' | 'membership' | 'experiments' | 'coEngagement'>,
  fromVisitorId: string,
  intoVisitorId: string,
  retentionSec: number
): Promise<void> => {
  await stores.membership.moveLogEntries(fromVisitorId, intoVisitorId, retentionSec);
  await stores.profiles.retireInto(fromVisitorId, intoVisitorId, retentionSec);
  await stores.experiments.forgetVisitors([fromVisitorId]);
  await stores.coEngagement.eraseVisitor(fromVisitorId);
};
