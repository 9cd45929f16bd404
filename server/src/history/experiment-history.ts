import type { ExperimentCounters } from '../experiments/store/experiment-store';
import { mergeCounts, type Counts } from './merge-counts';

/**
 * An experiment's counters for its results: each day's buckets merged from history and Redis
 * (`mergeCounts`), and the totals as their sum. While Redis is whole that is exactly Redis's
 * totals; after a flush, the days history holds plus what Redis counted since. Pure.
 */
export const experimentHistory = (stored: Counts | undefined, live: Counts): ExperimentCounters => {
  const daily = mergeCounts(stored, live);
  const totals: Counts = {};
  for (const [name, value] of Object.entries(daily)) {
    const counter = name.slice(name.indexOf('|') + 1);
    totals[counter] = (totals[counter] ?? 0) + value;
  }
  return { totals, daily };
};
