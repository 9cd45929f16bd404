import { DEFAULT_CO_ENGAGEMENT_SETTINGS, planEngagement, type CoEngagementSettings } from '../../server/src/recommendations/co-engagement';
import { nextStepShares } from '../../server/src/recommendations/next-steps';
import { recommend } from '../../server/src/recommendations/recommend';

const M = (id: string) => `api::movie.movie/${id}`;
const ARTICLE = (id: string) => `api::article.article/${id}`;
/** Landmark 0 and a long half-life: a step's weight is 2^(t/1e9), 1 to many decimals. */
const SETTINGS: CoEngagementSettings = { ...DEFAULT_CO_ENGAGEMENT_SETTINGS, landmarkSec: 0, halfLifeSec: 1e9, historySize: 5, stepWindowSec: 100 };
const stepsOf = (plan: ReturnType<typeof planEngagement>, contentType = 'api::movie.movie') =>
  Object.fromEntries([...(plan.byContentType.get(contentType)?.nextSteps ?? [])].map(([from, to]) => [from, Object.fromEntries([...to].map(([id, value]) => [id, Math.round(value)]))]));

describe('next steps: counting', () => {
  it('counts each step from the latest other item once, whatever the engagements of one item', () => {
    const plan = planEngagement(
      [{ item: M('a'), at: 10 }],
      [
        { item: M('b'), weight: 1, at: 20 },
        { item: M('b'), weight: 3, at: 21 }, // the dwell of the same page: no step
        { item: M('c'), weight: 1, at: 30 },
        { item: M('a'), weight: 1, at: 40 }, // back to a: c -> a
      ],
      [],
      SETTINGS
    );
    expect(stepsOf(plan)).toEqual({ a: { b: 1 }, b: { c: 1 }, c: { a: 1 } });
  });

  it('steps within a content type (across others read in between), and not after the step window', () => {
    const plan = planEngagement(
      [{ item: M('a'), at: 10 }],
      [
        { item: ARTICLE('x'), weight: 1, at: 15 }, // another content type: no step from a
        { item: M('b'), weight: 1, at: 20 }, // the latest movie is a: a -> b
        { item: M('c'), weight: 1, at: 200 }, // 180 s after b: the visit is over
      ],
      [],
      SETTINGS
    );
    expect(stepsOf(plan)).toEqual({ a: { b: 1 } });
    expect(stepsOf(plan, 'api::article.article')).toEqual({});
  });

  it('orders a batch by time before counting steps', () => {
    const plan = planEngagement([], [{ item: M('c'), weight: 1, at: 30 }, { item: M('a'), weight: 1, at: 10 }, { item: M('b'), weight: 1, at: 20 }], [], SETTINGS);
    expect(stepsOf(plan)).toEqual({ a: { b: 1 }, b: { c: 1 } });
  });
});

describe('next steps: reading', () => {
  it('gives each next item its share of the steps, best first, ties by item', () => {
    expect(nextStepShares('api::movie.movie', [{ documentId: 'b', count: 3 }, { documentId: 'c', count: 1 }, { documentId: 'd', count: 0 }, { documentId: 'a', count: 1 }], 2)).toEqual([
      { item: M('b'), score: 0.6 },
      { item: M('a'), score: 0.2 },
    ]);
    expect(nextStepShares('api::movie.movie', [], 5)).toEqual([]);
  });

  it('recommends next-v1 from the newest history item, then co-engagement, topic and popular', () => {
    const items = recommend({
      strategy: 'next-v1',
      contentType: 'api::movie.movie',
      history: [{ item: M('now') }, { item: M('before') }],
      nextSteps: { [M('now')]: [{ item: M('n1'), score: 0.7 }, { item: M('n2'), score: 0.3 }], [M('before')]: [{ item: M('old'), score: 1 }] },
      neighbours: { [M('now')]: [{ item: M('n2'), score: 0.9 }, { item: M('cf'), score: 0.5 }] },
      popular: [{ item: M('pop'), score: 10 }],
      topicAffinities: {},
      candidateTopics: {},
      exclude: [M('now'), M('before')],
      limit: 4,
    });
    expect(items.map(({ documentId, reason }) => `${documentId}:${reason}`)).toEqual(['n1:next-step', 'n2:next-step', 'cf:co-engagement', 'pop:popular']);
  });
});
