import type { ClusterModel } from './cluster-model';
import { TOPIC_FEATURE_PREFIX, type BaseFeatureName } from './feature-vector';
import { unscale } from './scaling';

/**
 * A centroid in plain words, from the features that stand out: those whose centroid coordinate (a
 * z-score: the scaled space is standardized) is furthest from the average visitor, most distinctive
 * first, e.g. "watches video, Sci-Fi, mobile, 3+ sessions". The numbers are the centroid's own values
 * in the feature's unit (log1p undone).
 */
export interface DescribeOptions {
  /** |z| from which a feature is worth a word. */
  threshold?: number;
  maxPhrases?: number;
}

type Phrase = (value: number) => string;

const whole = (value: number) => Math.max(0, Math.floor(value + 1e-9));
const rounded = (value: number) => Math.max(0, Math.round(value));

/** What a base feature well above (high) or below (low) average says; null: nothing worth saying. */
const PHRASES: Record<BaseFeatureName, { high: Phrase | null; low: Phrase | null }> = {
  pageviews: { high: (v) => `${whole(v)}+ page views`, low: (v) => (v < 1.5 ? 'a single page view' : 'few page views') },
  sessions: { high: (v) => `${whole(v)}+ sessions`, low: (v) => (v < 1.5 ? 'one session' : 'few sessions') },
  pagesPerSession: { high: (v) => `${rounded(v)} pages a session`, low: () => 'short visits' },
  dwellSeconds: { high: (v) => `long dwell (${rounded(v / 60)} min)`, low: () => 'little dwell time' },
  dwellPerPage: { high: (v) => `reads (${rounded(v)} s a page)`, low: () => 'skims' },
  scrollMean: { high: (v) => `scrolls deep (${rounded(v)} %)`, low: () => 'scrolls little' },
  events: { high: () => 'interacts a lot', low: () => 'few interactions' },
  videoEvents: { high: () => 'watches video', low: null },
  cartAdds: { high: () => 'adds to cart', low: null },
  orders: { high: () => 'buys', low: null },
  daysSinceLastSeen: { high: (v) => `away ${rounded(v)} days`, low: () => 'recently active' },
  tenureDays: { high: (v) => `visitor for ${rounded(v)} days`, low: () => 'new' },
  mobile: { high: () => 'mobile', low: () => 'desktop' },
};

export const DEFAULT_DESCRIBE_OPTIONS: Required<DescribeOptions> = { threshold: 0.5, maxPhrases: 4 };

/** Words when no feature stands out. */
export const AVERAGE_DESCRIPTION = 'average visitors';

export const describeCentroid = (
  centroid: readonly number[],
  model: Pick<ClusterModel, 'features' | 'scaling'>,
  options: DescribeOptions = {}
): string => {
  const { threshold, maxPhrases } = { ...DEFAULT_DESCRIBE_OPTIONS, ...options };
  const candidates: { z: number; text: string }[] = [];
  model.features.forEach((feature, d) => {
    const z = centroid[d];
    if (Math.abs(z) < threshold) return;
    const value = unscale(z, d, model.scaling);
    if (feature.name.startsWith(TOPIC_FEATURE_PREFIX)) {
      // A topic below average says nothing: most visitors ignore most topics.
      if (z > 0) candidates.push({ z, text: feature.name.slice(TOPIC_FEATURE_PREFIX.length) });
      return;
    }
    const phrase = PHRASES[feature.name as BaseFeatureName]?.[z > 0 ? 'high' : 'low'];
    if (phrase) candidates.push({ z, text: phrase(value) });
  });
  const words = candidates
    .sort((a, b) => Math.abs(b.z) - Math.abs(a.z))
    .slice(0, maxPhrases)
    .map(({ text }) => text);
  return words.length > 0 ? words.join(', ') : AVERAGE_DESCRIPTION;
};
