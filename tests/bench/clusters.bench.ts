/**
 * Clustering at scale and nearest-centroid assignment.
 *  1. A clustering run over 100,000 synthetic profiles (16 features, k chosen in 2..10), streamed in
 *     pages of 1,000 from a generator as the store's scan would stream them: wall time and peak RSS
 *     (targets: under 60 s on 2 cores, under 1 GB), beside the time of one plain pass over the same
 *     source (the baseline: generating and reading the profiles); and the longest the event loop was
 *     held meanwhile, with the fit on it and on a worker thread (as the Strapi job runs it).
 *  2. `assignCluster` per profile update (target: under 5 µs) against `featureVector` alone, over
 *     10,000 distinct profiles of typical size (about 40 fields, 12 topics), alternating rounds,
 *     medians. Twice: with the profile's fields object built at once (Object.fromEntries, as the
 *     memory driver builds it: V8 gives it fast properties), and built key by key (as the Redis
 *     driver's `pairsToObject` builds it today: past a few dozen keys V8 keeps such an object as a
 *     dictionary, and enumerating its keys costs about ten times more).
 */
import path from 'path';
import { monitorEventLoopDelay, performance } from 'perf_hooks';
import type { FitOptions } from '../../server/src/clusters/fit-clusters';
import { fitClustersInWorker } from '../../server/src/clusters/fit-in-worker';
import { featureVector } from '../../server/src/clusters/feature-vector';
import { assignCluster } from '../../server/src/clusters/nearest-centroid';
import { runClustering, type ProfilePageEntry } from '../../server/src/clusters/run-clustering';
import type { StoredProfile } from '../../server/src/store/profile-store';
import { syntheticProfiles } from '../helpers/synthetic-profiles';
import { fixed, report } from './lib/harness';

const PROFILES = 100_000;
const PAGE = 1_000;
const NOW = Math.floor(Date.now() / 1000);

/**
 * The store's scan, imitated: pages generated on demand (never all profiles in memory), the same on
 * every pass; each page a turn of the event loop later, as a Redis round trip would be.
 */
const pages = async function* (): AsyncIterable<ProfilePageEntry[]> {
  for (let page = 0; page < PROFILES / PAGE; page++) {
    await new Promise((resolve) => setImmediate(resolve));
    yield syntheticProfiles(PAGE, NOW, 1_000 + page).map(({ profile }, i) => ({ visitorId: `v${page * PAGE + i}`, profile }));
  }
};

const median = (values: number[]) => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)];

/** The fit on a worker thread, as the Strapi job runs it (the worker as `npm run build` left it; benches run from the repository root). */
const fitOnWorker = (vectors: number[][], options: FitOptions) => fitClustersInWorker(vectors, options, path.resolve('dist/server/fit-clusters-worker.js'));

const clusteringRun = async (fit?: typeof fitOnWorker) => {
  let started = performance.now();
  let read = 0;
  for await (const page of pages()) read += page.length;
  const plainPassMs = performance.now() - started;

  const rssBefore = process.memoryUsage().rss;
  // What requests would wait for: the longest the event loop was held during the run.
  const loop = monitorEventLoopDelay({ resolution: 10 });
  loop.enable();
  started = performance.now();
  let assigned = 0;
  const result = await runClustering({
    pages,
    assign: async (batch) => {
      assigned += batch.length;
    },
    previous: null,
    now: NOW,
    fit,
  });
  const runMs = performance.now() - started;
  loop.disable();
  if (result.status !== 'fitted') throw new Error(result.reason);
  const { model } = result;
  const peakRssMb = process.resourceUsage().maxRSS / 1024;

  console.log(`\nclustering ${read.toLocaleString('en')} profiles (${model.features.length} features, k in 2..10, sample ${model.sampleSize.toLocaleString('en')}), the fit ${fit ? 'on a worker thread (as the Strapi job runs it)' : 'on the event loop'}`);
  report('one plain pass over the source (ms) — baseline', fixed(plainPassMs, 0));
  report('clustering run: 2 passes, fit, assignment (s; target < 60)', fixed(runMs / 1000, 1));
  report('ratio run / plain pass', fixed(runMs / plainPassMs, 1));
  report('peak RSS of the process (MB; target < 1,024)', `${fixed(peakRssMb, 0)} (${fixed(rssBefore / 2 ** 20, 0)} before the run)`);
  report('chosen k, silhouette', `${model.k}, ${fixed(model.scores.find((score) => score.k === model.k)!.silhouette, 3)}`);
  report('profiles assigned', assigned.toLocaleString('en'));
  report('longest event-loop block during the run (ms)', fixed(loop.max / 1e6, 0));
  report('silhouette by k', model.scores.map((score) => `${score.k}:${fixed(score.silhouette, 2)}`).join(' '));
  return model;
};

/** A synthetic profile filled out to a typical size: attribution, categories, named pages, 12 topics. */
const typical = (profile: StoredProfile, i: number): StoredProfile => {
  const fields = { ...profile.fields };
  for (const [key, value] of Object.entries({ 'a0:us': 'newsletter', 'a0:um': 'email', 'a0:uc': 'autumn', 'a0:rh': 'www.google.com', 'a0:dv': 'desktop', 'a1:us': '', 'a1:um': '', 'a1:uc': '', 'a1:rh': '', loc: 'en-GB', 'c:video': '2', 'c:cta': '3', 'ca:video/play': '2', 'ca:cta/click': '3', 'pn:Home': '4', 'pn:Pricing': '1', 'e:CTA Clicked': '3' })) fields[key] ??= value;
  ['Drama', 'Comedy', 'Action', 'Thriller', 'Sci-Fi', 'Romance', 'Adventure', 'Crime', 'Fantasy', 'Animation', 'War', 'Musical'].forEach((genre, g) => {
    fields[`t:${genre}`] ??= `${1000 + ((i + g * 37) % 13) * 250}|${NOW - g * 3600}`;
  });
  return { ...profile, fields: Object.fromEntries(Object.entries(fields)) };
};

/** The same fields added one key at a time (the Redis driver's reply -> object loop). */
const keyByKey = (profile: StoredProfile): StoredProfile => {
  const fields: Record<string, string> = {};
  for (const [key, value] of Object.entries(profile.fields)) fields[key] = value;
  return { ...profile, fields };
};

const assignment = (model: Parameters<typeof assignCluster>[0], shape: 'built at once' | 'built key by key') => {
  const built = syntheticProfiles(10_000, NOW, 77).map(({ profile }, i) => typical(profile, i));
  const profiles = shape === 'built at once' ? built : built.map(keyByKey);
  let sink = 0;
  const time = (work: (profile: StoredProfile) => number) => {
    const started = performance.now();
    for (const profile of profiles) sink += work(profile);
    return ((performance.now() - started) * 1e6) / profiles.length;
  };
  const baseline = (profile: StoredProfile) => featureVector(profile, NOW, model.topics, model.affinityHalfLifeSec).length;
  const subject = (profile: StoredProfile) => assignCluster(model, profile, NOW).index;
  for (let warm = 0; warm < 5; warm++) time(baseline) + time(subject);
  const runs = { baseline: [] as number[], subject: [] as number[] };
  for (let round = 0; round < 21; round++) {
    runs.baseline.push(time(baseline));
    runs.subject.push(time(subject));
  }
  const fields = profiles.reduce((sum, profile) => sum + Object.keys(profile.fields).length, 0) / profiles.length;
  console.log(`\nnearest-centroid assignment, in process (10,000 distinct profiles of ${fixed(fields, 0)} fields on average, ${shape}; medians of 21 alternating rounds)`);
  report('featureVector alone (ns per profile) — baseline', fixed(median(runs.baseline), 0));
  report('assignCluster, feature vector included (ns; target < 5,000)', fixed(median(runs.subject), 0));
  report('ratio assignCluster / featureVector', fixed(median(runs.subject) / median(runs.baseline), 2));
  if (sink === -1) console.log('');
};

const main = async () => {
  const model = await clusteringRun(fitOnWorker);
  await clusteringRun();
  assignment(model, 'built at once');
  assignment(model, 'built key by key');
};

main().catch((error) => {
  console.error(error);
  process.exit(1);
});
