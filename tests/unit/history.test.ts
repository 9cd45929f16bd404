/**
 * The pure parts of reporting history (`server/src/history/`): which days and experiments a rollup
 * looks at, how stored and live figures merge, the rows a rollup writes, and an experiment's
 * counters read from both.
 */
import fc from 'fast-check';
import { conversionCounters, experimentCounterName, exposureCounters, parseExperimentCounter } from '../../server/src/experiments/store/experiment-store';
import { experimentHistory } from '../../server/src/history/experiment-history';
import { rollupRows, type Figures } from '../../server/src/history/history-rows';
import { changedCounts, mergeCounts, mergeCountsByDay, mergeGauges } from '../../server/src/history/merge-counts';
import { daysToRollUp, HORIZON_DAYS, isFinal, SETTLE_SEC } from '../../server/src/history/rollup-days';
import { experimentsToRollUp, STOPPED_SETTLE_SEC } from '../../server/src/history/rollup-experiments';
import { dateOfDay, dayOfDate } from '../../server/src/shared/utc-date';

const DAY = 86_400;
const TODAY = 20_500;
const empty = (): Figures => ({ activeVisitors: {}, counters: {}, segmentSizes: {}, experiments: {} });

describe('days to roll up', () => {
  it('are the finished days of the horizon that history does not hold as final, oldest first', () => {
    expect(daysToRollUp(TODAY, new Set([TODAY - 3, TODAY - 1]), 4)).toEqual([TODAY - 4, TODAY - 2]);
    expect(daysToRollUp(TODAY, new Set(), 2)).toEqual([TODAY - 2, TODAY - 1]);
    expect(daysToRollUp(TODAY, new Set([TODAY - 2, TODAY - 1]), 2)).toEqual([]);
  });

  it('reach back as far as Redis keeps daily figures (400 days) and never include today', () => {
    const days = daysToRollUp(TODAY, new Set());
    expect(HORIZON_DAYS).toBe(400);
    expect(days).toHaveLength(400);
    expect(days[0]).toBe(TODAY - 400);
    expect(days).not.toContain(TODAY);
  });

  it('a day is final once rolled up an hour after its end', () => {
    const end = (TODAY - 1 + 1) * DAY;
    expect(isFinal(TODAY - 1, end - 1)).toBe(false);
    expect(isFinal(TODAY - 1, end + SETTLE_SEC - 1)).toBe(false);
    expect(isFinal(TODAY - 1, end + SETTLE_SEC)).toBe(true);
  });
});

describe('experiments to roll up', () => {
  const now = TODAY * DAY;
  const at = (sec: number) => new Date(sec * 1000).toISOString();
  const experiments = [
    { id: 'draft', status: 'draft' as const, stoppedAt: null },
    { id: 'running', status: 'running' as const, stoppedAt: null },
    { id: 'paused', status: 'paused' as const, stoppedAt: null },
    { id: 'stopped-lately', status: 'stopped' as const, stoppedAt: at(now - STOPPED_SETTLE_SEC + 60) },
    { id: 'stopped-long-ago', status: 'stopped' as const, stoppedAt: at(now - 30 * DAY) },
    { id: 'stopped-never-rolled', status: 'stopped' as const, stoppedAt: at(now - 30 * DAY) },
    { id: 'stopped-as-date', status: 'stopped' as const, stoppedAt: new Date((now - 60) * 1000) },
  ];

  it('are those whose counters may change, and those history has nothing of; never drafts', () => {
    const withHistory = new Set(['running', 'paused', 'stopped-lately', 'stopped-long-ago', 'stopped-as-date']);
    expect(experimentsToRollUp(experiments, withHistory, now)).toEqual(['running', 'paused', 'stopped-lately', 'stopped-never-rolled', 'stopped-as-date']);
  });
});

describe('merging stored and live figures', () => {
  it('keeps, per counter, the larger value: Redis while it holds the day, history after a flush', () => {
    expect(mergeCounts({ a: 5, b: 2 }, { a: 7, c: 1 })).toEqual({ a: 7, b: 2, c: 1 });
    expect(mergeCounts({ a: 5 }, {})).toEqual({ a: 5 });
    expect(mergeCounts({ a: 5 }, { a: 1 })).toEqual({ a: 5 });
    expect(mergeCounts(undefined, { a: 0 })).toEqual({ a: 0 });
    expect(mergeCountsByDay({ 1: { a: 1 } }, { 2: { b: 2 }, 1: { a: 3 } })).toEqual({ 1: { a: 3 }, 2: { b: 2 } });
  });

  it('is idempotent, commutative and never below either side (property)', () => {
    const counts = fc.dictionary(fc.constantFrom('a', 'b', 'c', 'd'), fc.nat(1_000));
    fc.assert(
      fc.property(counts, counts, (stored, live) => {
        const merged = mergeCounts(stored, live);
        expect(mergeCounts(merged, live)).toEqual(merged);
        expect(mergeCounts(live, stored)).toEqual(merged);
        for (const [name, value] of [...Object.entries(stored), ...Object.entries(live)]) expect(merged[name]).toBeGreaterThanOrEqual(value);
        expect(changedCounts(merged, mergeCounts(merged, live))).toEqual({});
      })
    );
  });

  it('lists only the counters that differ from the stored ones', () => {
    expect(changedCounts({ a: 1, b: 2 }, { a: 1, b: 3, c: 0 })).toEqual({ b: 3, c: 0 });
    expect(changedCounts(undefined, { a: 1 })).toEqual({ a: 1 });
  });

  it("takes a day's segment size from Redis when it has one", () => {
    expect(mergeGauges({ 1: 10, 2: 20 }, { 2: 18, 3: 30 })).toEqual({ 1: 10, 2: 18, 3: 30 });
  });
});

describe('rollup rows', () => {
  const now = TODAY * DAY + 600; // ten minutes into today: yesterday is not final yet
  const yesterday = TODAY - 1;

  it('writes every figure of a day history lacks, and nothing more on a re-run', () => {
    const live: Figures = {
      activeVisitors: { [yesterday]: 12 },
      counters: { [yesterday]: { 'events:page': 30, 'served:v1': 9, 'clicked:v1': 2 } },
      segmentSizes: { readers: { [yesterday]: 7 } },
      experiments: { exp1: { [`${yesterday}|v|control`]: 5, [`${yesterday}|cv|primary|b`]: 2, [`${TODAY}|v|control`]: 3 } },
    };
    const rows = rollupRows([yesterday], TODAY, now, live, empty());
    expect(rows).toEqual({
      days: [{ day: yesterday, activeVisitors: 12, final: false }],
      counters: [
        { day: yesterday, name: 'events:page', value: 30 },
        { day: yesterday, name: 'served:v1', value: 9 },
        { day: yesterday, name: 'clicked:v1', value: 2 },
      ],
      segmentSizes: [{ segment: 'readers', day: yesterday, size: 7 }],
      // Today's buckets stay in Redis.
      experimentCounters: [
        { experiment: 'exp1', day: yesterday, metric: 'visitors', goal: null, arm: 'control', value: 5 },
        { experiment: 'exp1', day: yesterday, metric: 'converted', goal: 'primary', arm: 'b', value: 2 },
      ],
    });

    const stored: Figures = {
      activeVisitors: { [yesterday]: 12 },
      counters: { [yesterday]: { 'events:page': 30, 'served:v1': 9, 'clicked:v1': 2 } },
      segmentSizes: { readers: { [yesterday]: 7 } },
      experiments: { exp1: { [`${yesterday}|v|control`]: 5, [`${yesterday}|cv|primary|b`]: 2 } },
    };
    expect(rollupRows([yesterday], TODAY, now, live, stored)).toEqual({ days: [], counters: [], segmentSizes: [], experimentCounters: [] });
  });

  it('marks a day final once, an hour after its end', () => {
    const stored: Figures = { ...empty(), activeVisitors: { [yesterday]: 4 } };
    const live: Figures = { ...empty(), activeVisitors: { [yesterday]: 4 } };
    expect(rollupRows([yesterday], TODAY, TODAY * DAY + SETTLE_SEC, live, stored).days).toEqual([{ day: yesterday, activeVisitors: 4, final: true }]);
  });

  it('after a Redis flush keeps history and adds only what Redis counted since', () => {
    const stored: Figures = {
      activeVisitors: { [yesterday]: 12 },
      counters: { [yesterday]: { 'events:page': 30 } },
      segmentSizes: { readers: { [yesterday]: 7 } },
      experiments: { exp1: { [`${yesterday}|v|control`]: 5 } },
    };
    // A late flush of one instance's buffer, and a backdated conversion, after FLUSHALL.
    const live: Figures = {
      activeVisitors: { [yesterday]: 1 },
      counters: { [yesterday]: { 'events:page': 2, 'events:track': 1 } },
      segmentSizes: { readers: {} },
      experiments: { exp1: { [`${yesterday}|ct|primary|control`]: 1 } },
    };
    expect(rollupRows([yesterday], TODAY, now, live, stored)).toEqual({
      days: [],
      counters: [{ day: yesterday, name: 'events:track', value: 1 }],
      segmentSizes: [],
      experimentCounters: [{ experiment: 'exp1', day: yesterday, metric: 'conversions', goal: 'primary', arm: 'control', value: 1 }],
    });
  });

  it('marks an empty day as rolled up (no figures), so that it is not read again once final', () => {
    expect(rollupRows([yesterday - 5], TODAY, now, empty(), empty()).days).toEqual([{ day: yesterday - 5, activeVisitors: 0, final: true }]);
  });

  it('leaves out what cannot be a counter of the plugin (unknown experiment counters, names wider than the columns)', () => {
    const live: Figures = {
      ...empty(),
      counters: { [yesterday]: { ['x'.repeat(256)]: 1, ok: 1 } },
      experiments: { exp1: { [`${yesterday}|zz|a`]: 1, [`${yesterday}|v|${'a'.repeat(65)}`]: 1 } },
    };
    const rows = rollupRows([yesterday], TODAY, now, live, empty());
    expect(rows.counters).toEqual([{ day: yesterday, name: 'ok', value: 1 }]);
    expect(rows.experimentCounters).toEqual([]);
  });
});

describe("an experiment's counters from history and Redis", () => {
  it('sums the merged daily buckets into the totals', () => {
    const stored = { '100|v|control': 5, '100|v|b': 4, '101|cv|primary|b': 1 };
    const live = { '101|cv|primary|b': 2, '102|v|control': 1 };
    expect(experimentHistory(stored, live)).toEqual({
      daily: { '100|v|control': 5, '100|v|b': 4, '101|cv|primary|b': 2, '102|v|control': 1 },
      totals: { 'v|control': 6, 'v|b': 4, 'cv|primary|b': 2 },
    });
    expect(experimentHistory(undefined, {})).toEqual({ daily: {}, totals: {} });
  });
});

describe('experiment counter names', () => {
  it('read back what the store writes', () => {
    for (const name of [...exposureCounters('control'), ...conversionCounters('secondary-1', 'b', true)]) {
      const counter = parseExperimentCounter(name);
      expect(counter).not.toBeNull();
      expect(experimentCounterName(counter!)).toBe(name);
    }
    expect(parseExperimentCounter('v|control')).toEqual({ metric: 'visitors', goal: null, arm: 'control' });
    expect(parseExperimentCounter('ct|primary|b')).toEqual({ metric: 'conversions', goal: 'primary', arm: 'b' });
    expect(parseExperimentCounter('cv|primary')).toBeNull();
    expect(parseExperimentCounter('x|a')).toBeNull();
  });
});

describe('UTC dates', () => {
  it('name day numbers as YYYY-MM-DD and back', () => {
    expect(dateOfDay(0)).toBe('1970-01-01');
    expect(dateOfDay(20_424)).toBe('2025-12-02');
    fc.assert(fc.property(fc.integer({ min: 0, max: 60_000 }), (day) => expect(dayOfDate(dateOfDay(day))).toBe(day)));
  });
});
