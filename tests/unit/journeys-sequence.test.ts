import { decodeStep, encodeStep, stepsInTimeOrder, type JourneyStep } from '../../server/src/journeys/journey-step';
import { matchesSequence } from '../../server/src/journeys/sequence-match';
import { compileStepSpec, stepSpecSchema, type StepSpec } from '../../server/src/journeys/step-spec';

const page = (ts: number, name: string, extra: Partial<JourneyStep> = {}): JourneyStep => ({ ts, kind: 'page', name, ...extra });
const event = (ts: number, name: string, extra: Partial<JourneyStep> = {}): JourneyStep => ({ ts, kind: 'event', name, ...extra });
const matchers = (...specs: StepSpec[]) => specs.map(compileStepSpec);

describe('compileStepSpec: what one step must be', () => {
  const article = page(10, 'Docs', { category: 'Docs', contentType: 'api::article.article', topics: ['ai', 'ml'] });
  it.each<[StepSpec, JourneyStep, boolean]>([
    [{ page: 'Docs' }, article, true],
    [{ page: 'docs' }, article, false],
    [{ event: 'Docs' }, article, false],
    [{ page: 'Signup Started' }, event(1, 'Signup Started'), false],
    [{ event: 'Signup Started' }, event(1, 'Signup Started'), true],
    [{ category: 'Docs' }, article, true],
    [{ contentType: 'api::article.article' }, article, true],
    [{ contentType: 'article' }, article, true],
    [{ contentType: 'api::article' }, article, false],
    [{ contentType: 'article' }, page(1, 'Docs'), false],
    [{ topic: 'ml' }, article, true],
    [{ topic: 'ml' }, page(1, 'Docs'), false],
    // Every field given must hold.
    [{ page: 'Docs', topic: 'ai', contentType: 'article' }, article, true],
    [{ page: 'Docs', topic: 'cooking' }, article, false],
  ])('%j on %j -> %s', (spec, step, expected) => {
    expect(compileStepSpec(spec)(step)).toBe(expected);
  });

  it('checks a spec: one field at least, page or event, trimmed texts', () => {
    expect(stepSpecSchema.parse({ page: ' Pricing ' })).toEqual({ page: 'Pricing' });
    expect(stepSpecSchema.safeParse({}).success).toBe(false);
    expect(stepSpecSchema.safeParse({ page: 'A', event: 'B' }).success).toBe(false);
    expect(stepSpecSchema.safeParse({ page: 'A', url: '/a' }).success).toBe(false);
  });
});

describe('matchesSequence: in order, gaps allowed, within a window', () => {
  const journey = [page(0, 'Home'), page(100, 'Pricing'), page(200, 'Blog'), page(400, 'Docs'), event(3_000, 'Signup Started'), page(90_000, 'Pricing')];
  const pricingDocsSignup = matchers({ page: 'Pricing' }, { page: 'Docs' }, { event: 'Signup Started' });

  it('holds the steps in order with others between, not out of order', () => {
    expect(matchesSequence(journey, pricingDocsSignup, { maxSpanSec: 3_600 })).toBe(true);
    expect(matchesSequence(journey, matchers({ page: 'Docs' }, { page: 'Home' }), { maxSpanSec: 86_400 })).toBe(false);
    expect(matchesSequence(journey, matchers({ page: 'Docs' }, { page: 'Pricing' }), { maxSpanSec: 86_400 * 2 })).toBe(true);
  });

  it('measures a span from the first matched step to the last, the bound included', () => {
    expect(matchesSequence(journey, pricingDocsSignup, { maxSpanSec: 2_900 })).toBe(true);
    expect(matchesSequence(journey, pricingDocsSignup, { maxSpanSec: 2_899 })).toBe(false);
  });

  it('holds a session while no pause between consecutive steps exceeds the gap (steps not matched count too)', () => {
    expect(matchesSequence(journey, pricingDocsSignup, { sessionGapSec: 2_600 })).toBe(true);
    expect(matchesSequence(journey, pricingDocsSignup, { sessionGapSec: 2_599 })).toBe(false);
    // Without the Blog view, Pricing -> Docs is one pause of 300 s.
    const noBlog = journey.filter((step) => step.name !== 'Blog');
    expect(matchesSequence(noBlog, matchers({ page: 'Pricing' }, { page: 'Docs' }), { sessionGapSec: 299 })).toBe(false);
    expect(matchesSequence(journey, matchers({ page: 'Pricing' }, { page: 'Docs' }), { sessionGapSec: 299 })).toBe(true);
  });

  it('tries every start: a later first step may fit the window when an earlier one does not', () => {
    const steps = [page(0, 'Pricing'), page(10_000, 'Pricing'), page(10_100, 'Docs')];
    expect(matchesSequence(steps, matchers({ page: 'Pricing' }, { page: 'Docs' }), { maxSpanSec: 600 })).toBe(true);
    expect(matchesSequence(steps, matchers({ page: 'Pricing' }, { page: 'Docs' }), { sessionGapSec: 600 })).toBe(true);
  });

  it('needs a distinct step for each matcher, and nothing matches no steps', () => {
    expect(matchesSequence([page(0, 'Pricing')], matchers({ page: 'Pricing' }, { page: 'Pricing' }), { maxSpanSec: 60 })).toBe(false);
    expect(matchesSequence([page(0, 'Pricing'), page(5, 'Pricing')], matchers({ page: 'Pricing' }, { page: 'Pricing' }), { maxSpanSec: 60 })).toBe(true);
    expect(matchesSequence([], pricingDocsSignup, { maxSpanSec: 60 })).toBe(false);
    expect(matchesSequence(journey, [], { maxSpanSec: 60 })).toBe(false);
  });
});

describe('recorded steps', () => {
  it('round-trips a step, drops what cannot be read, and reads the newest-first list oldest first', () => {
    const step = page(5, 'Docs', { category: 'Docs', contentType: 'api::article.article', topics: ['ai'] });
    expect(decodeStep(encodeStep(step))).toEqual(step);
    for (const stored of ['', 'null', '[]', '{"ts":1}', '[1,"x","a","",""]', '["1","p","a","",""]', '[1,"p"]', '[1,"p","a",2]', '[1,"p",3,"",""]']) {
      expect(decodeStep(stored)).toBeUndefined();
    }
    const stored = [encodeStep(page(30, 'C')), 'junk', encodeStep(event(10, 'A')), encodeStep(page(20, 'B'))];
    expect(stepsInTimeOrder(stored).map((s) => s.name)).toEqual(['A', 'B', 'C']);
  });
});
