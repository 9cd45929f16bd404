import { cachedFunnelHits, compileFunnel, funnelHitsOf, funnelWindows } from '../../server/src/funnels/compiled-funnel';
import { funnelCountsOf } from '../../server/src/funnels/funnel-counters';
import { funnelCreateSchema, funnelReportQuery } from '../../server/src/funnels/funnel-input';
import { advanceFunnel, decodeProgress, hasStep, type FunnelProgress } from '../../server/src/funnels/funnel-progress';
import { funnelReport } from '../../server/src/funnels/funnel-report';
import type { JourneyStep } from '../../server/src/journeys/journey-step';

const DAY = 86_400;
const T = 20_000 * DAY + 3_600;

describe('funnel step matching', () => {
  const signup = compileFunnel({
    documentId: 'f1',
    name: 'Signup',
    enabled: true,
    window: '1h',
    steps: [{ page: 'Pricing' }, { event: 'Signup Started' }, { contentType: 'article', topic: 'ai' }, { page: 'Pricing' }],
  });
  const other = compileFunnel({ documentId: 'f2', name: 'Other', enabled: true, window: '7d', steps: [{ category: 'Docs' }, { event: 'Signup Started' }] });
  const page = (name: string): JourneyStep => ({ ts: T, kind: 'page', name });

  it('names every step of every funnel an event is: the funnel\'s index and a mask of its steps', () => {
    expect(funnelHitsOf(page('Pricing'), [signup, other])).toEqual([0, 0b1001]);
    expect(funnelHitsOf({ ts: T, kind: 'event', name: 'Signup Started', category: 'Docs' }, [signup, other])).toEqual([0, 0b10, 1, 0b11]);
    expect(funnelHitsOf({ ts: T, kind: 'page', name: 'Blog', contentType: 'api::article.article', topics: ['ai'] }, [signup])).toEqual([0, 0b100]);
    expect(funnelHitsOf(page('Home'), [signup, other])).toEqual([]);
    expect(funnelWindows([signup, other])).toEqual([{ key: 'f1', windowSec: 3_600 }, { key: 'f2', windowSec: 7 * DAY }]);
    expect([1, 2, 3, 4].map((step) => hasStep(0b1001, step))).toEqual([true, false, false, true]);
  });

  it('remembers the answer per distinct step (its time aside), and tells steps apart by every field matched', () => {
    const hits = cachedFunnelHits([signup, other]);
    const steps: JourneyStep[] = [
      page('Pricing'),
      { ...page('Pricing'), ts: T + 60 },
      { ts: T, kind: 'event', name: 'Signup Started', category: 'Docs' },
      { ts: T, kind: 'event', name: 'Signup Started' },
      { ts: T, kind: 'page', name: 'Blog', contentType: 'api::article.article', topics: ['ai'] },
      { ts: T, kind: 'page', name: 'Blog', contentType: 'api::article.article', topics: ['ml'] },
      { ts: T, kind: 'page', name: 'Blog', topics: ['ai'] },
    ];
    for (const step of [...steps, ...steps]) expect(hits(step)).toEqual(funnelHitsOf(step, [signup, other]));
  });
});

describe('funnel progress', () => {
  const mask = (steps: number[]) => steps.reduce((bits, step) => bits | (1 << (step - 1)), 0);
  const run = (events: [number, number[]][], start?: FunnelProgress) => {
    let progress = start;
    const counted: string[] = [];
    for (const [ts, steps] of events) {
      const next = advanceFunnel(progress, ts, mask(steps), 3_600);
      if (!next) continue;
      progress = next.progress;
      if (next.reached) counted.push(`${next.reached.day - Math.floor(T / DAY)}:${next.reached.step}`);
    }
    return { progress, counted };
  };

  it('starts at the first step and advances one step per event, in order, within the window', () => {
    expect(run([[T, [1]], [T + 1, [2]], [T + 2, [3]]])).toEqual({ progress: { reached: 3, entryTs: T, counted: 3 }, counted: ['0:1', '0:2', '0:3'] });
    expect(run([[T, [2]]]).counted).toEqual([]);
  });

  it('does not skip steps, and an event that is two steps advances one', () => {
    expect(run([[T, [1]], [T + 1, [3]], [T + 2, [2, 3]]]).counted).toEqual(['0:1', '0:2']);
  });

  it('ignores repeated steps and a repeated first step within the window', () => {
    expect(run([[T, [1]], [T + 1, [1]], [T + 2, [2]], [T + 3, [2]], [T + 4, [1]]])).toEqual({
      progress: { reached: 2, entryTs: T, counted: 2 },
      counted: ['0:1', '0:2'],
    });
  });

  it('restarts after the window; the same entry day counts only steps not counted yet', () => {
    const { progress, counted } = run([[T, [1]], [T + 1, [2]], [T + 3_601, [3]], [T + 3_700, [1]], [T + 3_701, [2]], [T + 3_702, [3]]]);
    expect(counted).toEqual(['0:1', '0:2', '0:3']);
    expect(progress).toEqual({ reached: 3, entryTs: T + 3_700, counted: 3 });
  });

  it('counts a new attempt on another day again, under its own entry day', () => {
    expect(run([[T, [1]], [T + DAY, [1]]]).counted).toEqual(['0:1', '1:1']);
  });

  it('counts every step of an attempt under its entry day, across midnight', () => {
    const evening = Math.floor(T / DAY) * DAY + DAY - 10;
    const { counted } = run([[evening, [1]], [evening + 60, [2]]]);
    expect(counted).toEqual(['0:1', '0:2']);
  });

  it('ignores events older than the entry', () => {
    expect(run([[T, [1]], [T - 10, [2]], [T - 5_000, [1]]]).progress).toEqual({ reached: 1, entryTs: T, counted: 1 });
  });

  it('reads only well-formed progress', () => {
    expect(decodeProgress('2|100|2')).toEqual({ reached: 2, entryTs: 100, counted: 2 });
    expect(decodeProgress('2|100')).toBeUndefined();
    expect(decodeProgress('x')).toBeUndefined();
  });
});

describe('funnel counters and report', () => {
  it('counts each reached step site-wide and per segment, per entry day', () => {
    const counts = funnelCountsOf([{ funnel: 'f1', day: 5, step: 1 }, { funnel: 'f1', day: 5, step: 2 }, { funnel: 'f1', day: 6, step: 1 }], ['vip']);
    expect(Object.fromEntries(counts)).toEqual({
      5: { 'funnel:f1:1': 1, 'funnel:f1:1:vip': 1, 'funnel:f1:2': 1, 'funnel:f1:2:vip': 1 },
      6: { 'funnel:f1:1': 1, 'funnel:f1:1:vip': 1 },
    });
  });

  it('sums days and gives conversion and drop-off per step', () => {
    const steps = [{ page: 'A' }, { page: 'B' }, { page: 'C' }];
    const counters = { 1: { 'funnel:f1:1': 6, 'funnel:f1:2': 3, 'funnel:f1:3': 1, 'funnel:f1:1:vip': 2 }, 2: { 'funnel:f1:1': 4, 'funnel:f1:2': 2, 'funnel:f1:2:vip': 3 } };
    expect(funnelReport('f1', steps, counters)).toEqual([
      { step: { page: 'A' }, reached: 10, fromPrevious: null, fromFirst: 1, droppedOff: 0 },
      { step: { page: 'B' }, reached: 5, fromPrevious: 0.5, fromFirst: 0.5, droppedOff: 5 },
      { step: { page: 'C' }, reached: 1, fromPrevious: 0.2, fromFirst: 0.1, droppedOff: 4 },
    ]);
    const vip = funnelReport('f1', steps, counters, 'vip');
    expect(vip.map((step) => [step.reached, step.droppedOff])).toEqual([[2, 0], [3, 0], [0, 3]]);
    expect(funnelReport('f1', steps, {})[1]).toMatchObject({ reached: 0, fromPrevious: null, fromFirst: null });
  });
});

describe('funnel input', () => {
  const valid = { name: 'Signup', steps: [{ page: 'Pricing' }, { event: 'Signup Started' }], window: '7d' };
  const issues = (input: unknown) => {
    const result = funnelCreateSchema.safeParse(input);
    return result.success ? [] : result.error.issues.map((issue) => `${issue.path.join('.')}: ${issue.message}`);
  };

  it('accepts 2 to 10 steps of the step language and a window from 1m to 90d', () => {
    expect(funnelCreateSchema.parse(valid)).toEqual({ ...valid, enabled: true });
    expect(issues({ ...valid, window: '90d' })).toEqual([]);
    expect(issues({ ...valid, window: '91d' })[0]).toMatch(/^window: expected a duration from "1m" to "90d"/);
    expect(issues({ ...valid, window: '30s' })[0]).toMatch(/^window:/);
    expect(issues({ ...valid, steps: [{ page: 'A' }] })).toEqual(['steps: expected at least 2 steps']);
    expect(issues({ ...valid, steps: Array.from({ length: 11 }, () => ({ page: 'A' })) })).toEqual(['steps: expected at most 10 steps']);
  });

  it('names the path of a bad step', () => {
    expect(issues({ ...valid, steps: [{ page: 'A' }, { page: 'B' }, { page: 'C', event: 'D' }] })).toEqual(['steps.2: a step is a page view or an event, not both']);
    expect(issues({ ...valid, steps: [{ page: 'A' }, { pgae: 'B' }] })[0]).toMatch(/^steps\.1/);
  });

  it('reads a report range of calendar days', () => {
    expect(funnelReportQuery.parse({ from: '2026-01-01', to: '2026-01-31' })).toEqual({ fromDay: 20454, toDay: 20484, segment: undefined });
    expect(funnelReportQuery.safeParse({ from: '2026-02-01', to: '2026-01-31' }).success).toBe(false);
    expect(funnelReportQuery.safeParse({ from: '2026-13-01', to: '2026-01-31' }).success).toBe(false);
    expect(funnelReportQuery.safeParse({ from: '2024-01-01', to: '2026-01-31' }).success).toBe(false);
  });
});
