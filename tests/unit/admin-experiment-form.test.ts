import { emptyExperimentForm, initialArms, toExperimentBody } from '../../admin/src/pages/Experiments/experiment-form';
import { slugify } from '../../admin/src/utils/slugify';

describe('new experiment form (pure)', () => {
  it('makes keys of names', () => {
    expect(slugify('  Hero CTA: Watch vs. Read!  ')).toBe('hero-cta-watch-vs-read');
    expect(slugify('Émission spéciale')).toBe('emission-speciale');
  });

  it('builds a segment-level experiment for everyone with an event goal', () => {
    const form = { ...emptyExperimentForm(), name: 'Fans', key: 'fans-test', targetSegment: 'fans', goalEvent: ' Signup ' };
    expect(toExperimentBody(form)).toEqual({
      name: 'Fans',
      key: 'fans-test',
      target: { segment: 'fans' },
      audience: null,
      arms: [
        { key: 'control', weight: 50 },
        { key: 'variant', weight: 50 },
      ],
      holdoutPercent: 0,
      goals: { primary: { event: 'Signup' }, secondary: [] },
    });
  });

  it('builds an experiment on recommendation strategies, starting from the default against popular-v1', () => {
    const form = { ...emptyExperimentForm(), name: 'Recs', key: 'recs', targetKind: 'recommendations' as const, contentType: 'api::movie.movie', arms: initialArms('recommendations'), goalEvent: 'Recommendation Clicked' };
    expect(toExperimentBody(form)).toMatchObject({
      target: { recommendations: 'api::movie.movie' },
      arms: [
        { key: 'control', weight: 50 },
        { key: 'popular-v1', weight: 50 },
      ],
      goals: { primary: { event: 'Recommendation Clicked' } },
    });
  });

  it('builds an entry experiment with an audience, a holdout and a click goal', () => {
    const form = {
      ...emptyExperimentForm(),
      name: 'CTA',
      key: 'cta',
      description: 'Watch beats Read',
      targetKind: 'entry' as const,
      contentType: 'api::article.article',
      documentId: ' abc ',
      locale: 'en',
      audience: 'fans',
      holdoutPercent: 10,
      goalKind: 'category' as const,
      goalCategory: 'cta',
      goalAction: 'click',
    };
    expect(toExperimentBody(form)).toMatchObject({
      description: 'Watch beats Read',
      target: { contentType: 'api::article.article', documentId: 'abc', locale: 'en' },
      audience: 'fans',
      holdoutPercent: 10,
      goals: { primary: { category: 'cta', action: 'click' } },
    });
  });
});
