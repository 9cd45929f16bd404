import { randomUUID } from 'crypto';
import type { Core } from '@strapi/strapi';
import type { ExperimentCounters } from '../experiments/store/experiment-store';
import { getPluginConfig } from '../config/get-plugin-config';
import { pluginService } from '../shared/plugin-services';
import { experimentHistory } from './experiment-history';
import { mergeCounts, mergeCountsByDay, mergeGauges, type Counts } from './merge-counts';
import { rollUp, type LiveFigures, type RollupReport } from './roll-up';
import { KnexHistoryStore } from './store/knex-history-store';
import type { HistoryStore } from './store/history-store';

export const ROLLUP_JOB = 'history-rollup';
const LOCK_TTL_SEC = 300;
/** The first scheduled check after boot waits this long, off the boot path. */
const FIRST_CHECK_MS = 10_000;

export interface RollupStatus {
  state: 'idle' | 'running' | 'done' | 'failed';
  reason?: string;
  instance?: string;
  startedAt?: string;
  finishedAt?: string;
  report?: RollupReport;
  error?: string;
}

/** Day-keyed numbers as named counts (the merge works on names), and back. */
const byName = (byDay: Record<number, number>): Counts => Object.fromEntries(Object.entries(byDay));
const byDay = (counts: Counts): Record<number, number> => Object.fromEntries(Object.entries(counts).map(([day, value]) => [Number(day), value]));

/**
 * Reporting history: rolls the daily figures up from Redis into the plugin's tables on a
 * schedule (`history.rollupMinutes`; one instance at a time under the coordination lock, and only
 * when no instance did it within the period), and answers the admin's questions about past days
 * from both: the tables, and Redis for today and for what is not rolled up yet.
 */
const historyService = ({ strapi }: { strapi: Core.Strapi }) => {
  const instance = randomUUID();
  let store: HistoryStore | undefined;
  /** Rollups of this process run one after the other: this is the last one asked for. */
  let queue: Promise<unknown> = Promise.resolve();
  let pending = 0;
  let timer: NodeJS.Timeout | undefined;
  let firstCheck: NodeJS.Timeout | undefined;
  let stopped = false;
  const stores = () => pluginService(strapi, 'store');
  const history = () => (store ??= new KnexHistoryStore(strapi.db!.connection));

  const live: LiveFigures = {
    readStats: (fromDay, toDay) => pluginService(strapi, 'stats').read(fromDay, toDay),
    countActiveVisitors: (days) => stores().analytics().countActiveVisitors(days),
    segmentSlugs: async () => (await pluginService(strapi, 'segments').list()).map((segment) => segment.slug),
    segmentSizeHistory: (segment, fromDay, toDay) => stores().membership().segmentSizeHistory(segment, fromDay, toDay),
    experiments: async () =>
      (await pluginService(strapi, 'experiments').list()).map((experiment) => ({ id: experiment.documentId, status: experiment.status, stoppedAt: experiment.stoppedAt })),
    experimentDaily: async (experiment) => (await stores().experiments().experimentCounters(experiment)).daily,
  };

  const pass = async (reason: string): Promise<RollupStatus> => {
    const coordination = stores().coordination();
    if (!(await coordination.acquireLock(ROLLUP_JOB, instance, LOCK_TTL_SEC))) {
      return { state: 'running', reason: 'another instance is rolling up' };
    }
    const status: RollupStatus = { state: 'running', reason, instance, startedAt: new Date().toISOString() };
    try {
      await coordination.writeJobStatus(ROLLUP_JOB, { ...status });
      status.report = await rollUp(live, history(), Date.now() / 1000);
      status.state = 'done';
    } catch (error) {
      status.state = 'failed';
      status.error = (error as Error).message;
      strapi.log.warn(`[personalization] history rollup failed: ${status.error}`);
    } finally {
      status.finishedAt = new Date().toISOString();
      await coordination.writeJobStatus(ROLLUP_JOB, { ...status }).catch(() => {});
      await coordination.releaseLock(ROLLUP_JOB, instance).catch(() => {});
    }
    return status;
  };

  const service = {
    /** Creates the tables if absent; called in bootstrap before anything reads or forgets history. */
    async bootstrap(): Promise<void> {
      await history().ensureTables();
    },

    /**
     * Rolls up now (after the one under way in this process, if any); resolves to its status. Under
     * way on another instance: resolves at once with `state: 'running'`.
     */
    rollUp(reason: string): Promise<RollupStatus> {
      pending += 1;
      const next = queue.then(() => pass(reason)).finally(() => {
        pending -= 1;
      });
      queue = next.catch(() => {});
      return next;
    },

    async status(): Promise<RollupStatus> {
      return ((await stores().coordination().readJobStatus(ROLLUP_JOB)) as RollupStatus | null) ?? { state: 'idle' };
    },

    /** Every `history.rollupMinutes` (0: never), a rollup unless one finished (here or elsewhere) within the period. */
    schedule(): void {
      const periodMs = getPluginConfig(strapi).history.rollupMinutes * 60_000;
      if (periodMs === 0) return;
      const check = async () => {
        if (stopped || pending > 0) return;
        const last = await service.status();
        const finished = last.finishedAt ? Date.parse(last.finishedAt) : 0;
        // A little slack, so that instances whose timers drift do not each run once per period.
        if (last.state !== 'done' || Date.now() - finished > periodMs * 0.9) await service.rollUp('scheduled');
      };
      const tick = () => void check().catch((error) => strapi.log.warn(`[personalization] history rollup check failed: ${error}`));
      timer = setInterval(tick, periodMs);
      timer.unref();
      firstCheck = setTimeout(tick, Math.min(FIRST_CHECK_MS, periodMs));
      firstCheck.unref();
    },

    async stop(): Promise<void> {
      stopped = true;
      if (timer) clearInterval(timer);
      if (firstCheck) clearTimeout(firstCheck);
      await queue;
    },

    /** Site counters and active visitors per day, from history and Redis (`mergeCounts`). */
    async dailyFigures(fromDay: number, toDay: number): Promise<{ counters: Record<number, Counts>; activeVisitors: Record<number, number> }> {
      const days = Array.from({ length: Math.max(0, toDay - fromDay + 1) }, (_, i) => fromDay + i);
      const [counters, activeVisitors, stored] = await Promise.all([
        pluginService(strapi, 'stats').read(fromDay, toDay),
        stores().analytics().countActiveVisitors(days),
        history().readDays(fromDay, toDay),
      ]);
      return {
        counters: mergeCountsByDay(stored.counters, counters),
        activeVisitors: byDay(mergeCounts(byName(stored.activeVisitors), byName(activeVisitors))),
      };
    },

    /** Segment slug -> day -> size, from history and Redis. */
    async segmentSizes(segments: readonly string[], fromDay: number, toDay: number): Promise<Record<string, Record<number, number>>> {
      const [liveSizes, stored] = await Promise.all([
        Promise.all(segments.map((segment) => stores().membership().segmentSizeHistory(segment, fromDay, toDay))),
        history().readSegmentSizes(segments, fromDay, toDay),
      ]);
      return Object.fromEntries(segments.map((segment, i) => [segment, mergeGauges(stored[segment] ?? {}, liveSizes[i])]));
    },

    /** An experiment's counters from history and Redis (`experimentHistory`). */
    async experimentCounters(experiment: string): Promise<ExperimentCounters> {
      const [counters, stored] = await Promise.all([stores().experiments().experimentCounters(experiment), history().readExperiments([experiment])]);
      return experimentHistory(stored[experiment], counters.daily);
    },

    forgetSegment: (segment: string) => history().forgetSegment(segment),
    forgetExperiment: (experiment: string) => history().forgetExperiment(experiment),
  };
  return service;
};

export type HistoryService = ReturnType<typeof historyService>;
export default historyService;
