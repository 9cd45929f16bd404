import { interleaveSteps, storedStepTime } from '../../server/src/journeys/interleave-steps';
import { decodeStep, encodeStep, MAX_STEP_TOPICS, stepsInTimeOrder, type JourneyStep } from '../../server/src/journeys/journey-step';
import { readableSteps } from '../../server/src/profiles/profile-view';

const T = 1_790_000_000;

describe('the stored form of a journey step', () => {
  it('is a compact JSON array (golden), with empty strings for what is absent', () => {
    expect(encodeStep({ ts: T, kind: 'page', name: 'Home' })).toBe(`[${T},"p","Home","",""]`);
    expect(encodeStep({ ts: T, kind: 'event', name: 'Signup', category: 'account', contentType: 'api::plan.plan', topics: ['Pro'] })).toBe(
      `[${T},"e","Signup","account","api::plan.plan","Pro"]`
    );
  });

  it(`keeps at most ${MAX_STEP_TOPICS} topics`, () => {
    const encoded = encodeStep({ ts: T, kind: 'page', name: '', topics: ['a', 'b', 'c', 'd', 'e'] });
    expect(decodeStep(encoded)?.topics).toEqual(['a', 'b', 'c']);
  });

  it('decodes what it encodes, free text included', () => {
    const steps: JourneyStep[] = [
      { ts: T, kind: 'page', name: '' },
      { ts: T + 1, kind: 'page', name: 'Über "uns", [1]', category: 'a,b', contentType: 'api::article.article', topics: ['Sci-Fi', 'Drama'] },
      { ts: T + 2, kind: 'event', name: 'Order Completed', category: 'shop' },
    ];
    for (const step of steps) expect(decodeStep(encodeStep(step))).toEqual(step);
  });

  it('decodes nothing from a string that is not a step (a profile is never trusted blindly)', () => {
    for (const stored of ['', 'x', '{}', '[]', `[${T},"p","Home",""]`, `["${T}","p","Home","",""]`, `[${T},"x","Home","",""]`, `[${T},"p",1,"",""]`, `[null,"p","","",""]`, '[1e999,"p","","",""]']) {
      expect(decodeStep(stored)).toBeUndefined();
    }
    // Non-string or empty topics are dropped, the step kept.
    expect(decodeStep(`[${T},"e","Signup","","",1,"","Tech"]`)).toEqual({ ts: T, kind: 'event', name: 'Signup', topics: ['Tech'] });
  });
});

describe('stepsInTimeOrder', () => {
  it('turns the stored record (newest first) into time order, oldest first, dropping unreadable steps', () => {
    const stored = [encodeStep({ ts: T + 20, kind: 'event', name: 'c' }), 'garbage', encodeStep({ ts: T + 10, kind: 'page', name: 'b' }), encodeStep({ ts: T, kind: 'page', name: 'a' })];
    expect(stepsInTimeOrder(stored).map((step) => step.name)).toEqual(['a', 'b', 'c']);
  });

  it('sorts a record written out of order (a late event) and keeps same-second steps as recorded', () => {
    const stored = [
      encodeStep({ ts: T + 5, kind: 'page', name: 'second-in-that-second' }),
      encodeStep({ ts: T - 100, kind: 'page', name: 'late' }),
      encodeStep({ ts: T + 5, kind: 'page', name: 'first-in-that-second' }),
      encodeStep({ ts: T, kind: 'page', name: 'start' }),
    ];
    expect(stepsInTimeOrder(stored).map((step) => step.name)).toEqual(['late', 'start', 'first-in-that-second', 'second-in-that-second']);
  });
});

describe('interleaveSteps (merging two devices)', () => {
  const step = (ts: number, name: string) => encodeStep({ ts, kind: 'page', name });

  it('reads the time at the head of a stored step', () => {
    expect(storedStepTime(step(T, 'x'))).toBe(T);
    expect(storedStepTime('[-5,"p","","",""]')).toBe(-5);
    expect(storedStepTime('nonsense')).toBe(-Infinity);
  });

  it('interleaves both records by time, newest first, the target first at equal times, then caps', () => {
    const target = [step(T + 30, 't3'), step(T + 10, 't1')];
    const source = [step(T + 40, 's4'), step(T + 10, 's1'), step(T, 's0')];
    expect(interleaveSteps(target, source, 10)).toEqual([step(T + 40, 's4'), step(T + 30, 't3'), step(T + 10, 't1'), step(T + 10, 's1'), step(T, 's0')]);
    expect(interleaveSteps(target, source, 3)).toEqual([step(T + 40, 's4'), step(T + 30, 't3'), step(T + 10, 't1')]);
    expect(interleaveSteps(target, source, 0)).toEqual([]);
  });

  it('puts unreadable steps last, where the cap drops them first', () => {
    expect(interleaveSteps(['junk', step(T, 'a')], [step(T + 1, 'b')], 2)).toEqual([step(T + 1, 'b'), step(T, 'a')]);
  });
});

describe('readableSteps (the profile view and the export)', () => {
  it('shows each step with an ISO time, newest first, null for what is absent', () => {
    const stored = [
      encodeStep({ ts: T + 60, kind: 'event', name: 'Signup', category: 'account' }),
      encodeStep({ ts: T, kind: 'page', name: 'Film', contentType: 'api::movie.movie', topics: ['Drama'] }),
    ];
    expect(readableSteps(stored)).toEqual([
      { at: new Date((T + 60) * 1000).toISOString(), kind: 'event', name: 'Signup', category: 'account', contentType: null, topics: [] },
      { at: new Date(T * 1000).toISOString(), kind: 'page', name: 'Film', category: null, contentType: 'api::movie.movie', topics: ['Drama'] },
    ]);
  });
});
