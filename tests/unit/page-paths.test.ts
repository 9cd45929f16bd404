import { DEFAULT_CO_ENGAGEMENT_SETTINGS, decayedAt, forwardWeight } from '../../server/src/recommendations/co-engagement';
import { encodeStep, type JourneyStep } from '../../server/src/journeys/journey-step';
import { sharesOf } from '../../server/src/recommendations/next-steps';
import { pageOfLabel, pageTransitions, planPagePaths, stepLabel } from '../../server/src/recommendations/page-paths';

const T = 1_790_000_000;
const GAP = 1_800;
const page = (ts: number, name: string): string => encodeStep({ ts, kind: 'page', name });
const event = (ts: number, name: string, extra: Partial<JourneyStep> = {}): string => encodeStep({ ts, kind: 'event', name, ...extra });

describe('page transitions of a batch', () => {
  it('goes from each named page to the next step, page or event, by its label (golden)', () => {
    expect(pageTransitions(undefined, [page(T, 'Pricing'), page(T + 10, 'Docs'), event(T + 20, 'Signup Started', { category: 'account' })], GAP)).toEqual([
      { from: 'Pricing', to: 'page:Docs', at: T + 10 },
      { from: 'Docs', to: 'event:Signup Started', at: T + 20 },
    ]);
  });

  it('starts from the head of the step record before the batch, and skips updates without a step', () => {
    expect(pageTransitions(page(T, 'Pricing'), [undefined, event(T + 5, 'Signup Started'), undefined], GAP)).toEqual([
      { from: 'Pricing', to: 'event:Signup Started', at: T + 5 },
    ]);
  });

  it('counts nothing from an event, across a session gap, backwards in time, or to or from an unnamed page', () => {
    expect(pageTransitions(event(T, 'Login'), [page(T + 1, 'Docs')], GAP)).toEqual([]);
    expect(pageTransitions(page(T, 'Pricing'), [page(T + GAP + 1, 'Docs')], GAP)).toEqual([]);
    expect(pageTransitions(page(T, 'Pricing'), [page(T - 1, 'Docs')], GAP)).toEqual([]);
    expect(pageTransitions(page(T, 'Pricing'), [page(T + 1, ''), page(T + 2, 'Docs')], GAP)).toEqual([]);
    expect(pageTransitions(page(T, ''), [page(T + 1, 'Docs')], GAP)).toEqual([]);
    // Exactly the gap is still the same session (as the profile's session counting has it).
    expect(pageTransitions(page(T, 'Pricing'), [page(T + GAP, 'Docs')], GAP)).toHaveLength(1);
  });

  it('ignores an unreadable previous step or step', () => {
    expect(pageTransitions('garbage', ['nonsense', page(T, 'Pricing'), page(T + 1, 'Docs')], GAP)).toEqual([{ from: 'Pricing', to: 'page:Docs', at: T + 1 }]);
  });

  it('labels steps and reads a page back from its label', () => {
    expect(stepLabel({ kind: 'page', name: 'Docs' })).toBe('page:Docs');
    expect(stepLabel({ kind: 'event', name: 'Signup Started' })).toBe('event:Signup Started');
    expect(pageOfLabel('page:Docs')).toBe('Docs');
    expect(pageOfLabel('page:a:b')).toBe('a:b');
    expect(pageOfLabel('event:Signup Started')).toBeUndefined();
  });
});

describe('planning page path counts (forward decay)', () => {
  const settings = DEFAULT_CO_ENGAGEMENT_SETTINGS;

  it('adds each transition`s forward weight to its page and to the page`s next step', () => {
    const plan = planPagePaths(
      [
        { from: 'Pricing', to: 'page:Docs', at: T },
        { from: 'Pricing', to: 'page:Docs', at: T + 60 },
        { from: 'Pricing', to: 'event:Signup Started', at: T },
      ],
      settings
    );
    const w = (at: number) => forwardWeight(at, settings);
    expect(plan.pages.get('Pricing')).toBeCloseTo(2 * w(T) + w(T + 60), 12);
    expect([...plan.next.get('Pricing')!]).toEqual([
      ['page:Docs', w(T) + w(T + 60)],
      ['event:Signup Started', w(T)],
    ]);
  });

  it('weighs a transition one half-life older half as much, so old paths fade', () => {
    const old = planPagePaths([{ from: 'A', to: 'page:B', at: T - settings.halfLifeSec }], settings).pages.get('A')!;
    const recent = planPagePaths([{ from: 'A', to: 'page:B', at: T }], settings).pages.get('A')!;
    expect(old / recent).toBeCloseTo(0.5, 12);
    expect(decayedAt(recent, T, settings)).toBeCloseTo(1, 12);
  });

  it('reads shares of the decayed counts, best first, ties by label', () => {
    expect(sharesOf([{ key: 'page:Docs', count: 3 }, { key: 'event:Signup Started', count: 1 }, { key: 'page:A', count: 1 }, { key: 'page:Z', count: 0 }], 5)).toEqual([
      { key: 'page:Docs', share: 0.6 },
      { key: 'event:Signup Started', share: 0.2 },
      { key: 'page:A', share: 0.2 },
    ]);
    expect(sharesOf([], 5)).toEqual([]);
  });
});
