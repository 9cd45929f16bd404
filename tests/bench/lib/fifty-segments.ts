import { SEGMENT_TEMPLATES } from '../../../server/src/segments/templates';

const GENRES = ['Drama', 'Comedy', 'Action', 'Thriller', 'Sci-Fi', 'Romance', 'Adventure', 'Crime', 'Fantasy', 'Animation'];

/** Three-step sequences (issue 16) of the kinds editors write: pages then an event in a session, categories over days, topics and checkout within hours. */
const sequenceShape = (i: number, genre: string) =>
  [
    { sequence: [{ page: 'Pricing' }, { page: 'Docs' }, { event: 'Signup Started' }], within: 'session' },
    { sequence: [{ category: 'video' }, { event: 'Video Playback Started' }, { event: 'CTA Clicked' }], within: `${1 + (i % 7)}d` },
    { sequence: [{ contentType: 'movie', topic: genre }, { page: 'Checkout' }, { event: 'Order Completed' }], within: '2h' },
  ][i % 3];

/**
 * Fifty enabled segments of realistic shapes for benchmarks: the six templates plus rules over
 * topics, windowed events, attribution, devices and categories with varied thresholds; with
 * `sequences`, that many of the generated ones are three-step sequences instead.
 */
export const fiftySegments = ({ sequences = 0 }: { sequences?: number } = {}) => {
  const segments: { slug: string; name: string; rules: unknown; priority: number }[] = Object.values(SEGMENT_TEMPLATES).map(
    ({ slug, name, rules, priority }) => ({ slug, name, rules, priority })
  );
  for (let i = 0; segments.length < 50; i++) {
    const genre = GENRES[i % GENRES.length];
    const shapes = [
      { all: [{ fact: `topics.${genre}`, op: 'gte', value: 0.2 + (i % 3) * 0.1 }, { fact: 'pageviews', op: 'gte', value: 3 }] },
      { fact: 'events.CTA Clicked', op: 'gte', value: 1 + (i % 4), window: `${7 * (1 + (i % 4))}d` },
      { any: [{ fact: 'utm.source', op: 'in', value: ['newsletter', 'google'] }, { fact: 'referrer.host', op: 'contains', value: 'google' }] },
      { all: [{ fact: 'device.type', op: 'eq', value: i % 2 ? 'mobile' : 'desktop' }, { fact: 'sessions', op: 'gte', value: 2, window: '30d' }] },
      { all: [{ fact: 'category.video', op: 'gte', value: 1 + (i % 3) }, { not: { fact: 'daysSinceLastSeen', op: 'gt', value: 14 } }] },
    ];
    const sequence = segments.length >= 50 - sequences;
    segments.push({ slug: `bench-${i}`, name: `Bench ${i}`, rules: sequence ? sequenceShape(i, genre) : shapes[i % shapes.length], priority: i });
  }
  return segments;
};

/** The first `count` of them without a percentile rule (which makes every scheduled pass read every profile). */
export const segmentsWithoutPercentile = (count: number) =>
  fiftySegments()
    .filter((segment) => !JSON.stringify(segment.rules).includes('engagement.percentile'))
    .slice(0, count);
