/**
 * Evaluating 50 enabled segments against one profile, in process (target: median under 20 µs).
 * Printed with the time for one segment as the baseline measured in the same run; then the same
 * with 10 of the 50 three-step sequences over the profile's 16 recorded steps (issue 16).
 */
import { performance } from 'perf_hooks';
import { encodeStep, type JourneyStep } from '../../server/src/journeys/journey-step';
import { evaluateMembership, type CompiledSegment } from '../../server/src/segments/membership';
import { compileRules } from '../../server/src/segments/rules/compile-rules';
import type { RuleNode } from '../../server/src/segments/rules/rule-schema';
import type { StoredProfile } from '../../server/src/store/profile-store';
import { fixed, report } from './lib/harness';
import { fiftySegments } from './lib/fifty-segments';

const DAY = 86_400;
const now = Math.floor(Date.now() / 1000);
const today = Math.floor(now / DAY);

/** A typical profile: about 50 events over 5 sessions, a dozen topics, a few daily buckets. */
const profile: StoredProfile = {
  fields: {
    fs: String(now - 5 * DAY), ls: String(now - DAY), ss: String(now - DAY), sn: '5', pv: '25', dw: '410', sx: '100', su: '1250',
    'e:CTA Clicked': '3', 'e:Video Playback Started': '2', 'e:Product Added': '1', 'e:Order Completed': '1', 'c:video': '2', 'c:cta': '3',
    'ca:video/play': '2', 'ca:cta/click': '3', 'a0:us': 'newsletter', 'a0:um': 'email', 'a0:uc': 'autumn', 'a0:rh': 'www.google.com', 'a0:dv': 'desktop',
    'a1:us': '', 'a1:um': '', 'a1:uc': '', 'a1:rh': '', 'a1:dv': 'mobile', loc: 'en-GB', uid: 'h',
    ...Object.fromEntries(['Drama', 'Comedy', 'Action', 'Thriller', 'Sci-Fi', 'Romance', 'Adventure', 'Crime', 'Fantasy', 'Animation', 'War', 'Musical'].map((genre, i) => [`t:${genre}`, `${1000 + i * 250}|${now - i * 3600}`])),
  },
  windows: Object.fromEntries(
    [0, 1, 2, 3, 4].flatMap((d) => [[`${today - d}:pv`, 5], [`${today - d}:sn`, 1], [`${today - d}:e:CTA Clicked`, 1], [`${today - d}:c:video`, 1]])
  ),
  recent: Array.from({ length: 10 }, (_, i) => `movie-${i}`),
  steps: [],
  traits: { plan: '"free"' },
  segments: [],
};

/**
 * The same visitor's 16 recorded steps (newest first, as stored): film pages with their genres, a
 * pricing and docs visit, video plays and clicks, a checkout; spread over the 5 sessions.
 */
const journey: JourneyStep[] = [
  { kind: 'page', name: 'Home' },
  { kind: 'page', name: 'Film', category: 'video', contentType: 'api::movie.movie', topics: ['Drama', 'Crime'] },
  { kind: 'event', name: 'Video Playback Started', category: 'video' },
  { kind: 'page', name: 'Pricing' },
  { kind: 'page', name: 'Film', category: 'video', contentType: 'api::movie.movie', topics: ['Comedy'] },
  { kind: 'event', name: 'CTA Clicked', category: 'cta' },
  { kind: 'page', name: 'Docs' },
  { kind: 'page', name: 'Film', category: 'video', contentType: 'api::movie.movie', topics: ['Action', 'Thriller', 'Sci-Fi'] },
  { kind: 'event', name: 'Video Playback Started', category: 'video' },
  { kind: 'page', name: 'Blog' },
  { kind: 'event', name: 'CTA Clicked', category: 'cta' },
  { kind: 'page', name: 'Film', category: 'video', contentType: 'api::movie.movie', topics: ['Romance'] },
  { kind: 'event', name: 'Product Added' },
  { kind: 'page', name: 'Checkout' },
  { kind: 'event', name: 'Order Completed' },
  { kind: 'page', name: 'Home' },
].map((step, i) => ({ ...step, ts: now - 5 * DAY + Math.floor(i / 4) * DAY + (i % 4) * 240 }) as JourneyStep);
const recordedSteps = journey.map(encodeStep).reverse();
const profileWithSteps: StoredProfile = { ...profile, steps: recordedSteps };

const compile = (count: number, sequences = 0): CompiledSegment[] =>
  fiftySegments({ sequences })
    .slice(0, count)
    .map((segment) => ({ slug: segment.slug, priority: segment.priority, matches: compileRules(segment.rules as RuleNode) }));

/** Median time of one evaluation, from 2,000 timed rounds of 50 evaluations each. */
const medianMicros = (segments: CompiledSegment[], evaluated: StoredProfile = profile) => {
  const input = { profile: evaluated, now, affinityHalfLifeSec: 14 * DAY, sessionGapSec: 30 * 60, engagementPercentile: () => 60 };
  for (let i = 0; i < 20_000; i++) evaluateMembership(segments, input);
  const samples: number[] = [];
  for (let round = 0; round < 2_000; round++) {
    const started = performance.now();
    for (let i = 0; i < 50; i++) evaluateMembership(segments, input);
    samples.push(((performance.now() - started) * 1000) / 50);
  }
  return samples.sort((a, b) => a - b)[Math.floor(samples.length / 2)];
};

const one = medianMicros(compile(1));
const fifty = medianMicros(compile(50));
const matched = evaluateMembership(compile(50), { profile, now, affinityHalfLifeSec: 14 * DAY, sessionGapSec: 30 * 60, engagementPercentile: () => 60 });
console.log('\nsegment evaluation, in process');
report('1 segment, median (µs) — baseline', fixed(one, 2));
report('50 segments, median (µs; target < 20)', fixed(fifty, 2));
report('ratio 50 segments / 1 segment', fixed(fifty / one, 1));
report('segments the typical profile is in', String(matched.length));

const sequenceSlugs = new Set(fiftySegments({ sequences: 10 }).filter((segment) => 'sequence' in (segment.rules as object)).map((segment) => segment.slug));
const withSequences = medianMicros(compile(50, 10), profileWithSteps);
const matchedWithSequences = evaluateMembership(compile(50, 10), { profile: profileWithSteps, now, affinityHalfLifeSec: 14 * DAY, sessionGapSec: 30 * 60, engagementPercentile: () => 60 });
report('50 segments, 10 of them 3-step sequences, 16 recorded steps, median (µs; target < 20)', fixed(withSequences, 2));
report('ratio with sequences / without', fixed(withSequences / fifty, 2));
// The record's default length (`profile.journeySteps`): the 8 newest steps.
const withEightSteps = medianMicros(compile(50, 10), { ...profile, steps: recordedSteps.slice(0, 8) });
report('… with 8 recorded steps (the default record), median (µs)', fixed(withEightSteps, 2));
report('segments that profile is in (of them sequences)', `${matchedWithSequences.length} (${matchedWithSequences.filter((slug) => sequenceSlugs.has(slug)).length} of ${sequenceSlugs.size})`);
