import type { Core } from '@strapi/strapi';
import { pluginService } from '../shared/plugin-services';
import { StatsBuffer } from './stats-buffer';

/** Site-wide analytics, buffered in process and written every 5 s (see StatsBuffer). */
const statsService = ({ strapi }: { strapi: Core.Strapi }) => {
  const analyticsStore = () => pluginService(strapi, 'store').analytics();
  const buffer = new StatsBuffer({
    counts: (day, counts) => analyticsStore().incrementStats(day, counts),
    activeVisitors: (day, visitorIds) => analyticsStore().addActiveVisitors(day, visitorIds),
    seenNames: (family, names) => analyticsStore().addSeenNames(family, names),
  });
  return {
    start: () => buffer.start(),
    count: (name: string, delta = 1) => buffer.count(name, delta),
    active: (visitorId: string) => buffer.active(visitorId),
    seen: (family: string, name: string) => buffer.seen(family, name),
    flush: () => buffer.flush(),
    stop: () => buffer.stop(),
    async read(fromDay: number, toDay: number) {
      await buffer.flush();
      return analyticsStore().readStats(fromDay, toDay);
    },
  };
};

export type StatsService = ReturnType<typeof statsService>;
export default statsService;
