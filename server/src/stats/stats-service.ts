import type { Core } from '@strapi/strapi';
import { pluginService } from '../shared/plugin-services';
import { StatsBuffer } from './stats-buffer';

/** `count(name)` for site-wide daily counters; buffered in process, written every 5 s. */
const statsService = ({ strapi }: { strapi: Core.Strapi }) => {
  const buffer = new StatsBuffer((day, counts) => pluginService(strapi, 'store').get().incrementStats(day, counts));
  return {
    start: () => buffer.start(),
    count: (name: string, delta = 1) => buffer.count(name, delta),
    flush: () => buffer.flush(),
    stop: () => buffer.stop(),
    async read(fromDay: number, toDay: number) {
      await buffer.flush();
      return pluginService(strapi, 'store').get().readStats(fromDay, toDay);
    },
  };
};

export type StatsService = ReturnType<typeof statsService>;
export default statsService;
