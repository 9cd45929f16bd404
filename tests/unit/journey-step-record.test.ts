import { interleaveSteps, storedStepTime } from '../../server/src/journeys/interleave-steps';
import { decodeStep, encodeStep, isNamedPageStep, MAX_STEP_TOPICS, stepsInTimeOrder, type JourneyStep } from '../../server/src/journeys/journey-step';
import { compileStepSpec, sameContentType } from '../../server/src/journeys/step-spec';
import { readableSteps } from '../../server/src/profiles/profile-view';

const T = 1_790_000_000;

describe('the stored form of a journey step', () => {
  it('is a compact JSON array (golden): trailing empty fields dropped, the usual uid as its model name', () => {
    expect(encodeStep({ ts: T, kind: 'page', name: 'Home' })).toBe(`[${T},"p","Home"]`);
    expect(encodeStep({ ts: T, kind: 'page', name: '' })).toBe(`[${T},"p",""]`);
    expect(encodeStep({ ts: T, kind: 'event', name: 'Signup', category: 'account' })).toBe(`[${T},"e","Signup","account"]`);
    expect(encodeStep({ ts: T, kind: 'event', name: 'Signup', category: 'account', contentType: 'api::plan.plan', topics: ['Pro'] })).toBe(
      `[${T},"e","Signup","account","plan","Pro"]`
    );
    expect(encodeStep({ ts: T, kind: 'page', name: '', contentType: 'api::movie.movie', topics: ['Drama', 'Crime'] })).toBe(`[${T},"p","","","movie","Drama","Crime"]`);
    expect(encodeStep({ ts: T, kind: 'page', name: '', contentType: 'api::shop-item.shop-item' })).toBe(`[${T},"p","","","shop-item"]`);
    // Empty fields before a kept one stay (the positions say what a field is).
    expect(encodeStep({ ts: T, kind: 'page', name: '', topics: ['ai'] })).toBe(`[${T},"p","","","","ai"]`);
  });

  it('keeps any other content type uid whole', () => {
    for (const uid of ['api::blog.post', 'plugin::users-permissions.user']) {
      const stored = encodeStep({ ts: T, kind: 'page', name: 'x', contentType: uid });
      expect(stored).toBe(`[${T},"p","x","",${JSON.stringify(uid)}]`);
      expect(decodeStep(stored)?.contentType).toBe(uid);
    }
  });

  it('still decodes the older stored form (all five leading fields, the full uid)', () => {
    expect(decodeStep(`[${T},"p","Home","",""]`)).toEqual({ ts: T, kind: 'page', name: 'Home' });
    expect(decodeStep(`[${T},"e","Signup","account","api::plan.plan","Pro"]`)).toEqual({
      ts: T,
      kind: 'event',
      name: 'Signup',
      category: 'account',
      contentType: 'api::plan.plan',
      topics: ['Pro'],
    });
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
      { ts: T + 3, kind: 'page', name: 'Item', contentType: 'api::blog.post' },
      { ts: T + 4, kind: 'event', name: 'Rated', contentType: 'api::movie.movie', topics: ['Drama'] },
    ];
    for (const step of steps) expect(decodeStep(encodeStep(step))).toEqual(step);
  });

  it('tells a named page from its stored head, as decoding would', () => {
    const steps: JourneyStep[] = [
      { ts: T, kind: 'page', name: 'Home' },
      { ts: T, kind: 'page', name: '"Quoted" page' },
      { ts: T, kind: 'page', name: '\\' },
      { ts: T, kind: 'page', name: '' },
      { ts: T, kind: 'page', name: '', category: 'docs', topics: ['Drama'] },
      { ts: T, kind: 'event', name: 'Signup' },
      { ts: T, kind: 'event', name: 'p' },
    ];
    for (const step of steps) {
      const decoded = decodeStep(encodeStep(step))!;
      expect([step, isNamedPageStep(encodeStep(step))]).toEqual([step, decoded.kind === 'page' && decoded.name !== '']);
    }
  });

  it('decodes nothing from a string that is not a step (a profile is never trusted blindly)', () => {
    for (const stored of ['', 'x', '{}', '[]', `[${T},"p"]`, `[${T},"p","Home",1]`, `[${T},"p","Home","",2]`, `["${T}","p","Home","",""]`, `[${T},"x","Home","",""]`, `[${T},"p",1,"",""]`, `[null,"p","","",""]`, '[1e999,"p","","",""]']) {
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

describe('a step spec`s content type against both stored forms', () => {
  const older = `[${T},"p","Film","","api::movie.movie","Drama"]`;
  const newer = encodeStep({ ts: T, kind: 'page', name: 'Film', contentType: 'api::movie.movie', topics: ['Drama'] });

  it('matches a spec given as uid or model name, whichever form the step was stored in', () => {
    expect(newer).toBe(`[${T},"p","Film","","movie","Drama"]`);
    for (const named of ['api::movie.movie', 'movie']) {
      const matches = compileStepSpec({ contentType: named });
      expect(matches(decodeStep(older)!)).toBe(true);
      expect(matches(decodeStep(newer)!)).toBe(true);
      expect(compileStepSpec({ contentType: named, topic: 'Drama' })(decodeStep(newer)!)).toBe(true);
    }
    expect(compileStepSpec({ contentType: 'article' })(decodeStep(newer)!)).toBe(false);
    expect(compileStepSpec({ contentType: 'api::article.article' })(decodeStep(newer)!)).toBe(false);
  });

  it('matches a uid kept whole by its uid or its model name', () => {
    const post = decodeStep(encodeStep({ ts: T, kind: 'page', name: '', contentType: 'api::blog.post' }))!;
    expect(compileStepSpec({ contentType: 'api::blog.post' })(post)).toBe(true);
    expect(compileStepSpec({ contentType: 'post' })(post)).toBe(true);
    expect(compileStepSpec({ contentType: 'api::post.post' })(post)).toBe(false);
  });

  it('compares content types (golden)', () => {
    expect(sameContentType('api::movie.movie', 'movie')).toBe(true);
    expect(sameContentType('movie', 'api::movie.movie')).toBe(true);
    expect(sameContentType('movie', 'movie')).toBe(true);
    expect(sameContentType('api::blog.post', 'post')).toBe(true);
    expect(sameContentType('post', 'api::blog.post')).toBe(true);
    expect(sameContentType('api::blog.post', 'api::post.post')).toBe(false);
    expect(sameContentType('movie', 'film')).toBe(false);
  });
});
