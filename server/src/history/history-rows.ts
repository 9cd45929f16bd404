import { parseExperimentCounter, type ExperimentCounter } from '../experiments/store/experiment-store';
import { changedCounts, mergeCounts, type Counts } from './merge-counts';
import { isFinal } from './rollup-days';

/**
 * What the history tables hold, as rows (the knex driver maps them to columns): aggregates only,
 * never a visitor id. Days are UTC day numbers here and `YYYY-MM-DD` in the tables.
 */

/** A rolled-up day: its active visitors (HyperLogLog estimate) and whether it is final (see `isFinal`). */
export interface DayRow {
  day: number;
  activeVisitors: number;
  final: boolean;
}

/** One site counter of a day, as in `psn:stats:<day>`: `events:page`, `served:<variant>`, `clicked:<variant>`, `bots`, ... */
export interface CounterRow {
  day: number;
  name: string;
  value: number;
}

export interface SegmentSizeRow {
  segment: string;
  day: number;
  size: number;
}

/** One experiment counter of a day and arm (goal null for visitors). */
export type ExperimentCounterRow = ExperimentCounter & { experiment: string; day: number; value: number };

/** Everything one rollup writes, upserted in one transaction. */
export interface HistoryWrite {
  days: DayRow[];
  counters: CounterRow[];
  segmentSizes: SegmentSizeRow[];
  experimentCounters: ExperimentCounterRow[];
}

/**
 * Widths of the text columns: counter names (`segment:<slug>:entered`, `webhook:<source>:refused:<reason>`,
 * ... under 100 characters), and keys (slugs, arm keys, goal keys, document ids: at most 64). A
 * longer value cannot come from the plugin's own inputs; if one did, it would not be kept.
 */
export const NAME_WIDTH = 255;
export const KEY_WIDTH = 64;

/** The figures of the days and experiments being rolled up, as Redis holds them (live) or the tables do (stored). */
export interface Figures {
  /** Day -> visitors active; a stored day is present exactly when history has a row for it. */
  activeVisitors: Record<number, number>;
  counters: Record<number, Counts>;
  /** Segment slug -> day -> size. */
  segmentSizes: Record<string, Record<number, number>>;
  /** Experiment id -> `<day>|<counter>` -> count (the experiment store's daily buckets). */
  experiments: Record<string, Counts>;
}

const fits = (width: number, ...names: (string | null)[]) => names.every((name) => name === null || name.length <= width);

/**
 * The rows a rollup at `nowSec` writes for `days` (finished, not final in history) and for the
 * experiments in `live`: each value merged with what is stored (`mergeCounts`: counters never go
 * down, so a rollup after a Redis flush keeps history), and only rows that differ from what is
 * stored, so a re-run writes nothing. Experiment buckets of today are left to Redis. Pure.
 */
export const rollupRows = (days: number[], today: number, nowSec: number, live: Figures, stored: Figures): HistoryWrite => {
  const write: HistoryWrite = { days: [], counters: [], segmentSizes: [], experimentCounters: [] };
  for (const day of days) {
    const activeVisitors = Math.max(stored.activeVisitors[day] ?? 0, live.activeVisitors[day] ?? 0);
    const final = isFinal(day, nowSec);
    if (stored.activeVisitors[day] !== activeVisitors || final) write.days.push({ day, activeVisitors, final });
    const counts = changedCounts(stored.counters[day], mergeCounts(stored.counters[day], live.counters[day]));
    for (const [name, value] of Object.entries(counts)) if (fits(NAME_WIDTH, name)) write.counters.push({ day, name, value });
    for (const [segment, sizes] of Object.entries(live.segmentSizes)) {
      const size = sizes[day];
      if (size !== undefined && size !== stored.segmentSizes[segment]?.[day] && fits(KEY_WIDTH, segment)) write.segmentSizes.push({ segment, day, size });
    }
  }
  for (const [experiment, daily] of Object.entries(live.experiments)) {
    const finished = Object.fromEntries(Object.entries(daily).filter(([name]) => Number(name.split('|', 1)[0]) < today));
    for (const [name, value] of Object.entries(changedCounts(stored.experiments[experiment], mergeCounts(stored.experiments[experiment], finished)))) {
      const bar = name.indexOf('|');
      const counter = parseExperimentCounter(name.slice(bar + 1));
      if (counter && fits(KEY_WIDTH, experiment, counter.arm, counter.goal)) write.experimentCounters.push({ experiment, day: Number(name.slice(0, bar)), ...counter, value });
    }
  }
  return write;
};
