import type { Core } from '@strapi/strapi';
import { DropReporter } from '../shared/drop-reporter';
import { pluginService } from '../shared/plugin-services';
import { StatsBuffer } from './stats-buffer';

/**
 * Site-wide analytics, buffered in process and written once a second (see StatsBuffer); and the one
 * place where buffers of any capability report what they had to drop.
 */
const statsService = ({ strapi }: { strapi: Core.Strapi }) => {
  const analyticsStore = () => pluginService(strapi, 'store').analytics();
  const drops = new DropReporter((message) => strapi.log.warn(`[personalization] ${message}`));
  const buffer = new StatsBuffer(
    {
      counts: (day, counts, flush) => analyticsStore().incrementStats(day, counts, flush),
      activeVisitors: (day, visitorIds) => analyticsStore().addActiveVisitors(day, visitorIds),
      seenNames: (family, names) => analyticsStore().addSeenNames(family, names),
    },
    { onDropped: (count) => drops.report('site-wide counts', count) }
  );
  return {
    count: (name: string, delta = 1, day?: number) => buffer.count(name, delta, day),
    active: (visitorId: string) => buffer.active(visitorId),
    seen: (family: string, name: string) => buffer.seen(family, name),
    /**
     * Buffered writes of `kind` that could not be kept (co-engagement, absence checks, membership
     * changes, ...): logged at most once a minute per kind, totals on the health endpoint.
     */
    dropped: (kind: string, count: number) => drops.report(kind, count),
    droppedCounts: () => drops.counts(),
    /** Writes waiting in the buffer (for the health endpoint). */
    waiting: () => buffer.size,
    flush: () => buffer.flush(),
    stop: () => buffer.close(),
    async read(fromDay: number, toDay: number) {
      await buffer.flush();
      return analyticsStore().readStats(fromDay, toDay);
    },
  };
};

export type StatsService = ReturnType<typeof statsService>;
export default statsService;
