import { FEATURES, featureSpecs, featureVector } from '../../server/src/clusters/feature-vector';
import { applyScaling, commonSpace, fitScaling, unscale } from '../../server/src/clusters/scaling';
import { affinityAt } from '../../server/src/store/affinity';
import type { StoredProfile } from '../../server/src/store/profile-store';

const DAY = 86_400;
const NOW = 1_790_000_000;
const profile = (fields: Record<string, string>): StoredProfile => ({ fields, windows: {}, recent: [], steps: [], traits: {}, segments: [] });

/** A visitor whose every feature can be worked out by hand. */
const WATCHER = profile({
  fs: String(NOW - 10 * DAY),
  ls: String(NOW - 2 * DAY),
  sn: '4',
  pv: '20',
  dw: '600',
  su: '1000',
  sx: '90',
  'e:Video Playback Started': '3',
  'e:Video Playback Completed': '2',
  'e:Product Added': '1',
  'e:Order Completed': '1',
  'e:Link Clicked': '5',
  'c:video': '5',
  'ca:video/play': '3',
  'pn:Pricing': '2',
  'a0:dv': 'desktop',
  'a1:dv': 'mobile',
  't:Sci-Fi': `3000|${NOW}`,
  't:Drama': `1000|${NOW}`,
});

describe('featureVector (golden)', () => {
  it('lists its features with a name, label, transform and meaning; ~16 with the topics', () => {
    expect(FEATURES.map((feature) => feature.name)).toEqual([
      'pageviews', 'sessions', 'pagesPerSession', 'dwellSeconds', 'dwellPerPage', 'scrollMean', 'events', 'videoEvents', 'cartAdds', 'orders', 'daysSinceLastSeen', 'tenureDays', 'mobile',
    ]);
    for (const feature of featureSpecs(['Sci-Fi'])) expect(feature).toEqual({ name: expect.any(String), label: expect.any(String), transform: expect.stringMatching(/^(log1p|none)$/), meaning: expect.any(String) });
    expect(featureSpecs(['Sci-Fi', 'Drama', 'Comedy'])).toHaveLength(16);
    expect(featureSpecs(['Sci-Fi']).at(-1)).toMatchObject({ name: 'topic:Sci-Fi', transform: 'none' });
  });

  it('reads counts, ratios, recency, device and the model topics’ shares', () => {
    expect(featureVector(WATCHER, NOW, ['Sci-Fi', 'Comedy', 'Drama'])).toEqual([
      20, // page views
      4, // sessions
      5, // pages per session
      600, // dwell
      30, // dwell per page
      50, // mean scroll: 1000 / 20
      12, // every track event: 3 + 2 + 1 + 1 + 5
      5, // video playback events (not c:video again)
      1, // cart adds
      1, // orders
      2, // days since last seen
      8, // tenure
      1, // the latest session was on mobile
      0.75, // Sci-Fi: 3000 of 4000
      0, // Comedy: never
      0.25, // Drama
    ]);
  });

  it('decays topic shares with the half-life: an older score weighs less', () => {
    const older = profile({ 't:Sci-Fi': `1000|${NOW - 14 * DAY}`, 't:Drama': `1000|${NOW}` });
    const [sciFi, drama] = featureVector(older, NOW, ['Sci-Fi', 'Drama'], 14 * DAY).slice(FEATURES.length);
    expect(sciFi).toBeCloseTo(1 / 3, 4);
    expect(drama).toBeCloseTo(2 / 3, 4);
  });

  it('gives an empty profile zeros, and hostile values never a NaN once scaled', () => {
    expect(featureVector(profile({}), NOW, ['Sci-Fi'])).toEqual(new Array(FEATURES.length + 1).fill(0));
    const hostile = profile({ pv: 'lots', sn: '-3', dw: '1e400', ls: String(NOW + 5 * DAY), 'e:X': 'NaN', 't:Sci-Fi': 'garbage' });
    const vector = featureVector(hostile, NOW, ['Sci-Fi']);
    expect(vector[0]).toBe(0);
    expect(vector[10]).toBe(0); // a last-seen in the future is "now"
    const features = featureSpecs(['Sci-Fi']);
    const scaling = fitScaling([vector, featureVector(WATCHER, NOW, ['Sci-Fi'])], features);
    expect(applyScaling(vector, scaling).every((value) => !Number.isNaN(value))).toBe(true);
  });
});

describe('affinityAt', () => {
  it('reads <milli-score>|<epoch s> and halves the score every half-life', () => {
    expect(affinityAt(`1500|${NOW}`, NOW, DAY)).toBe(1.5);
    expect(affinityAt(`1500|${NOW - 2 * DAY}`, NOW, DAY)).toBeCloseTo(0.375, 12);
    expect(affinityAt(`1500|${NOW + DAY}`, NOW, DAY)).toBe(1.5); // a score from the future is not grown
  });

  it('gives 0 for anything the store does not write', () => {
    for (const value of ['', '1500', '1500|', '|17', '-1|17', '1.5|17', '15|17|3', 'abc|17', '15|1e9']) expect([value, affinityAt(value, NOW, DAY)]).toEqual([value, 0]);
  });
});

describe('scaling (golden)', () => {
  const features = [
    { name: 'count', label: 'Count', transform: 'log1p', meaning: '' },
    { name: 'share', label: 'Share', transform: 'none', meaning: '' },
    { name: 'constant', label: 'Constant', transform: 'none', meaning: '' },
  ] as const;

  it('log-transforms per feature, then standardizes; a constant feature gets std 1 and scales to 0', () => {
    const scaling = fitScaling([[0, 2, 7], [Math.E - 1, 4, 7]], [...features]);
    expect(scaling.transforms).toEqual(['log1p', 'none', 'none']);
    expect(scaling.mean[0]).toBeCloseTo(0.5, 12);
    expect(scaling.mean.slice(1)).toEqual([3, 7]);
    expect(scaling.std[0]).toBeCloseTo(0.5, 12);
    expect(scaling.std.slice(1)).toEqual([1, 1]);
    const scaled = applyScaling([Math.E - 1, 2, 7], scaling);
    expect(scaled[0]).toBeCloseTo(1, 12);
    expect(scaled.slice(1)).toEqual([-1, 0]);
    expect(unscale(scaled[0], 0, scaling)).toBeCloseTo(Math.E - 1, 12);
  });

  it('writes into a given buffer', () => {
    const scaling = fitScaling([[0, 2, 7], [Math.E - 1, 4, 7]], [...features]);
    const out = new Float64Array(3);
    expect(applyScaling([0, 4, 7], scaling, out)).toBe(out);
    expect(Array.from(out).map((value) => Math.round(value * 1e9) / 1e9)).toEqual([-1, 1, 0]);
  });

  it('puts two models’ centroids in one space: the shared features, in the newer scaling', () => {
    const previous = { features: [features[0], features[1]], scaling: fitScaling([[0, 2], [Math.E - 1, 4]], [features[0], features[1]]), centroids: [[1, -1]] };
    const next = {
      features: [features[1], { ...features[2], name: 'topic:New' }, features[0]],
      scaling: { transforms: ['none', 'none', 'log1p'] as ('none' | 'log1p')[], mean: [0, 0.5, 0], std: [2, 0.25, 1] },
      centroids: [[0.5, 3, 0.25]],
    };
    // share: raw 2 -> (2 - 0) / 2; count: log1p(e - 1) = 1 -> (1 - 0) / 1; the new topic is left out.
    const space = commonSpace(previous, next);
    expect(space.features).toEqual(['share', 'count']);
    expect(space.previous.map((centroid) => centroid.map((value) => Math.round(value * 1e9) / 1e9))).toEqual([[1, 1]]);
    expect(space.next).toEqual([[0.5, 0.25]]);
  });
});
