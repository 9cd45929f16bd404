import { describeCentroid } from '../../server/src/clusters/describe-centroid';
import { FEATURE_INDEX, featureSpecs } from '../../server/src/clusters/feature-vector';

const features = featureSpecs(['Sci-Fi', 'Drama']);
const scaling = {
  transforms: features.map((feature) => feature.transform),
  mean: features.map(() => 0),
  std: features.map(() => 1),
};
scaling.mean[FEATURE_INDEX.sessions] = Math.log1p(2);
scaling.std[FEATURE_INDEX.sessions] = 0.5;
scaling.mean[FEATURE_INDEX.pageviews] = Math.log1p(10);
scaling.mean[FEATURE_INDEX.scrollMean] = 50;
scaling.std[FEATURE_INDEX.scrollMean] = 20;

const centroid = (z: Partial<Record<string, number>>) => features.map((feature) => z[feature.name] ?? 0);

describe('describeCentroid (golden)', () => {
  it('names the features that stand out, most distinctive first, with the centroid’s own numbers', () => {
    // sessions: expm1(log1p(2) + 0.9 · 0.5) = 3.7 -> "3+ sessions".
    const words = describeCentroid(centroid({ videoEvents: 2, 'topic:Sci-Fi': 1.5, mobile: 1.2, sessions: 0.9, 'topic:Drama': 0.2 }), { features, scaling });
    expect(words).toBe('watches video, Sci-Fi, mobile, 3+ sessions');
  });

  it('says what is low too, but not a topic nobody in the cluster cares for', () => {
    // page views: expm1(log1p(10) − 1.5) = 1.45; scroll: 50 − 20.
    expect(describeCentroid(centroid({ pageviews: -1.5, scrollMean: -1, 'topic:Drama': -0.9 }), { features, scaling })).toBe('a single page view, scrolls little');
    expect(describeCentroid(centroid({ scrollMean: 1 }), { features, scaling })).toBe('scrolls deep (70 %)');
  });

  it('keeps at most maxPhrases and says "average visitors" when nothing stands out', () => {
    expect(describeCentroid(centroid({}), { features, scaling })).toBe('average visitors');
    expect(describeCentroid(centroid({ videoEvents: 2, orders: 1, mobile: -0.7 }), { features, scaling }, { maxPhrases: 2 })).toBe('watches video, buys');
    expect(describeCentroid(centroid({ videoEvents: 0.4 }), { features, scaling }, { threshold: 0.3 })).toBe('watches video');
  });
});
