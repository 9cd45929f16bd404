import { utcDay } from '../store/keys';
import { rollupRows, type Figures } from './history-rows';
import type { Counts } from './merge-counts';
import { daysToRollUp, HORIZON_DAYS } from './rollup-days';
import { experimentsToRollUp, type ExperimentState } from './rollup-experiments';
import type { HistoryStore } from './store/history-store';

/** Where a rollup reads the live figures (Redis, through the capability stores). */
export interface LiveFigures {
  /** Site counters by day (what the stats buffer holds is written first). */
  readStats(fromDay: number, toDay: number): Promise<Record<number, Counts>>;
  countActiveVisitors(days: number[]): Promise<Record<number, number>>;
  segmentSlugs(): Promise<string[]>;
  segmentSizeHistory(segment: string, fromDay: number, toDay: number): Promise<Record<number, number>>;
  experiments(): Promise<ExperimentState[]>;
  /** An experiment's daily buckets: `<day>|<counter>` -> count. */
  experimentDaily(experiment: string): Promise<Counts>;
}

export interface RollupReport {
  /** Finished days looked at (not yet final in history), and experiments. */
  days: number;
  experiments: number;
  /** Rows written, per table. */
  written: { days: number; counters: number; segmentSizes: number; experimentCounters: number };
  ms: number;
}

const pick = <Value>(byDay: Record<number, Value>, days: number[]): Record<number, Value> =>
  Object.fromEntries(days.filter((day) => byDay[day] !== undefined).map((day) => [day, byDay[day]]));

/**
 * One rollup: reads the finished days history does not hold as final and the experiments whose
 * counters may still change, from Redis and from the tables, and writes what differs
 * (`rollupRows`). Safe to run again at any time, and after a Redis flush (counters never go down).
 */
export const rollUp = async (live: LiveFigures, history: HistoryStore, nowSec: number): Promise<RollupReport> => {
  const started = Date.now();
  const today = utcDay(nowSec);
  const days = daysToRollUp(today, await history.finalDays(today - HORIZON_DAYS));
  const [slugs, experiments, withHistory] = await Promise.all([live.segmentSlugs(), live.experiments(), history.experimentsWithHistory()]);
  const experimentIds = experimentsToRollUp(experiments, withHistory, nowSec);
  const [from, to] = [days[0] ?? today, days[days.length - 1] ?? today - 1];

  const empty: Figures = { activeVisitors: {}, counters: {}, segmentSizes: {}, experiments: {} };
  const [liveFigures, storedFigures] = await Promise.all([
    (async (): Promise<Figures> => {
      if (days.length === 0 && experimentIds.length === 0) return empty;
      const [counters, activeVisitors, sizes, daily] = await Promise.all([
        days.length ? live.readStats(from, to) : {},
        days.length ? live.countActiveVisitors(days) : {},
        days.length ? Promise.all(slugs.map((slug) => live.segmentSizeHistory(slug, from, to))) : [],
        Promise.all(experimentIds.map((id) => live.experimentDaily(id))),
      ]);
      return {
        activeVisitors,
        counters: pick(counters, days),
        segmentSizes: Object.fromEntries(sizes.map((bySlug, i) => [slugs[i], pick(bySlug, days)])),
        experiments: Object.fromEntries(experimentIds.map((id, i) => [id, daily[i]])),
      };
    })(),
    (async (): Promise<Figures> => {
      const [dayFigures, segmentSizes, stored] = await Promise.all([
        days.length ? history.readDays(from, to) : { activeVisitors: {}, counters: {} },
        days.length ? history.readSegmentSizes(slugs, from, to) : {},
        history.readExperiments(experimentIds),
      ]);
      return { ...dayFigures, segmentSizes, experiments: stored };
    })(),
  ]);

  const rows = rollupRows(days, today, nowSec, liveFigures, storedFigures);
  await history.write(rows);
  return {
    days: days.length,
    experiments: experimentIds.length,
    written: { days: rows.days.length, counters: rows.counters.length, segmentSizes: rows.segmentSizes.length, experimentCounters: rows.experimentCounters.length },
    ms: Date.now() - started,
  };
};
