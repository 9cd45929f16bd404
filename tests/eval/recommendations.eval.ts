/**
 * Offline evaluation of the recommendations on MovieLens, through the code the server runs:
 * each rating becomes an `Entry Viewed` event, read by `itemEngagementOf`, recorded in the memory
 * co-engagement store (`record`), and users are served by `recommend` from what the store reads.
 *
 * Protocol (temporal, as a live site would serve): ratings are replayed in time order; each user's
 * last N ratings are held out and never recorded. When the replay reaches a user's first held-out
 * rating, the user is served 10 recommendations as of that moment (the store holds only what
 * happened before, decay included), excluding everything the user rated before. HitRate@10: the share
 * of users with at least one held-out movie among the 10; NDCG@10 with binary relevance.
 * Strategies: cf-v1, topic-v1 (genres as topics, the user's genre counts as affinities),
 * popular-v1 (decayed popularity, what the server serves), all-time popularity (undecayed counts, a
 * stronger baseline on this data) and random. The ratio cf-v1 / popularity comes with a 95 % paired
 * bootstrap interval over users.
 *
 * Data: `PSN_MOVIELENS_DIR` or the first argument (a directory with `ratings.csv` + `movies.csv` of
 * ml-latest-small, or `u.data` + `u.item` of the 100k set); default `../shared/data/ml-latest-small`,
 * or `$PSN_DATA_DIR/ml-latest-small`. `PSN_EVAL_HOLDOUT` (default 5) is N; `PSN_EVAL_SWEEP=1` also
 * prints HitRate@10 of cf-v1 over shrinkage × recency factor; `PSN_EVAL_SETTINGS` (JSON) overrides
 * co-engagement settings.
 */
import fs from 'fs';
import path from 'path';
import { parse } from 'csv-parse/sync';
import { DEFAULT_CO_ENGAGEMENT_SETTINGS, type CoEngagementSettings } from '../../server/src/recommendations/co-engagement';
import { itemEngagementOf } from '../../server/src/recommendations/item-engagement';
import { itemKey } from '../../server/src/recommendations/item-ref';
import { recommend, DEFAULT_RECENCY_FACTOR } from '../../server/src/recommendations/recommend';
import { MemoryCoEngagementStore } from '../../server/src/recommendations/store/memory-co-engagement-store';
import { REPO_ROOT } from '../helpers/paths';

const CONTENT_TYPE = 'api::movie.movie';
const K = 10;
const HOLDOUT = Number(process.env.PSN_EVAL_HOLDOUT ?? 5);
const MIN_TRAINING = 5;
const HISTORY_READ = DEFAULT_CO_ENGAGEMENT_SETTINGS.historySize;
const NEIGHBOURS_PER_ITEM = 50;
const CANDIDATES = 1_000;
const BOOTSTRAP_SAMPLES = 2_000;
const DAY = 86_400;

/**
 * The half-life fits the traffic: ml-latest-small is 610 people over 22 years (a few ratings a
 * day), so the default 30 days (made for a site's daily traffic) forgets nearly every pair before
 * anyone repeats it: cf-v1 HitRate@10 0.197 at 30 days, 0.287 at 365, 0.289 at 3,650. Popularity
 * is best at 30–365 days (0.170–0.180; 0.134 at 3,650, 0.061 at 7), so 365 days is fair to both.
 */
const MOVIELENS_SETTINGS: Partial<CoEngagementSettings> = { halfLifeSec: 365 * DAY };

interface Rating {
  user: string;
  movie: string;
  at: number;
}

const dataDir = (): string => {
  const stated = process.env.PSN_MOVIELENS_DIR ?? process.argv[2];
  if (stated) return path.resolve(stated);
  return path.join(process.env.PSN_DATA_DIR ? path.resolve(process.env.PSN_DATA_DIR) : path.join(REPO_ROOT, '..', 'shared', 'data'), 'ml-latest-small');
};

/** Ratings and genres of a MovieLens-format directory: ml-latest-* (`ratings.csv`) or 100k (`u.data`). */
const loadMovieLens = (dir: string): { ratings: Rating[]; genres: Map<string, string[]>; format: string } => {
  if (fs.existsSync(path.join(dir, 'ratings.csv'))) {
    const rows = parse(fs.readFileSync(path.join(dir, 'ratings.csv')), { columns: true }) as { userId: string; movieId: string; timestamp: string }[];
    const movies = parse(fs.readFileSync(path.join(dir, 'movies.csv')), { columns: true }) as { movieId: string; genres: string }[];
    return {
      ratings: rows.map((row) => ({ user: row.userId, movie: row.movieId, at: Number(row.timestamp) })),
      genres: new Map(movies.map((movie) => [movie.movieId, movie.genres === '(no genres listed)' ? [] : movie.genres.split('|')])),
      format: 'ratings.csv',
    };
  }
  if (fs.existsSync(path.join(dir, 'u.data'))) {
    const ratings = fs
      .readFileSync(path.join(dir, 'u.data'), 'utf8')
      .split('\n')
      .filter(Boolean)
      .map((line) => {
        const [user, movie, , at] = line.split('\t');
        return { user, movie, at: Number(at) };
      });
    const genreNames = fs.existsSync(path.join(dir, 'u.genre'))
      ? fs.readFileSync(path.join(dir, 'u.genre'), 'latin1').split('\n').filter(Boolean).map((line) => line.split('|')[0])
      : [];
    const genres = new Map<string, string[]>();
    if (fs.existsSync(path.join(dir, 'u.item'))) {
      for (const line of fs.readFileSync(path.join(dir, 'u.item'), 'latin1').split('\n').filter(Boolean)) {
        const fields = line.split('|');
        const flags = fields.slice(-19);
        genres.set(fields[0], flags.flatMap((flag, i) => (flag === '1' ? [genreNames[i] ?? `genre-${i}`] : [])));
      }
    }
    return { ratings, genres, format: 'u.data' };
  }
  throw new Error(`${dir} holds neither ratings.csv nor u.data`);
};

/** A seeded generator (the same figures on every run). */
const seeded = (seed: number) => () => {
  seed = (seed * 16807) % 2147483647;
  return (seed - 1) / 2147483646;
};

const dcgWeights = Array.from({ length: K }, (_, i) => 1 / Math.log2(i + 2));
const idealDcg = (relevant: number) => dcgWeights.slice(0, Math.min(relevant, K)).reduce((sum, w) => sum + w, 0);

interface Score {
  hit: number;
  ndcg: number;
  /** 1 when the user's very next movie (the first held out) is among the 10. */
  next: number;
}

const scoreOf = (recommended: string[], heldOut: Set<string>, nextItem: string): Score => {
  let dcg = 0;
  let hit = 0;
  recommended.slice(0, K).forEach((item, i) => {
    if (heldOut.has(item)) {
      hit = 1;
      dcg += dcgWeights[i];
    }
  });
  return { hit, ndcg: dcg / idealDcg(heldOut.size), next: recommended.slice(0, K).includes(nextItem) ? 1 : 0 };
};

interface Variant {
  name: string;
  serve: (context: ServeContext) => string[];
}

interface ServeContext {
  history: { item: string; at: number }[];
  neighbours: Record<string, { item: string; score: number }[]>;
  /** Next steps from the newest history item. */
  nextSteps: Record<string, { item: string; score: number }[]>;
  popular: { item: string; score: number }[];
  allTime: { item: string; score: number }[];
  affinities: Record<string, number>;
  candidateTopics: Record<string, string[]>;
  exclude: string[];
  random: () => number;
  catalogue: string[];
}

const cf = (recencyFactor: number) => (c: ServeContext) =>
  recommend({ strategy: 'cf-v1', contentType: CONTENT_TYPE, history: c.history, neighbours: c.neighbours, popular: c.popular, topicAffinities: c.affinities, candidateTopics: c.candidateTopics, exclude: c.exclude, limit: K, recencyFactor }).map((r) => r.item);

const VARIANTS: Variant[] = [
  { name: 'cf-v1', serve: cf(DEFAULT_RECENCY_FACTOR) },
  {
    name: 'next-v1',
    serve: (c) =>
      recommend({ strategy: 'next-v1', contentType: CONTENT_TYPE, history: c.history, nextSteps: c.nextSteps, neighbours: c.neighbours, popular: c.popular, topicAffinities: c.affinities, candidateTopics: c.candidateTopics, exclude: c.exclude, limit: K }).map(
        (r) => r.item
      ),
  },
  {
    // The chain alone: what the steps from the last movie predict, nothing filled in.
    name: 'next steps only',
    serve: (c) => recommend({ strategy: 'next-v1', contentType: CONTENT_TYPE, history: c.history, nextSteps: c.nextSteps, neighbours: {}, popular: [], topicAffinities: {}, candidateTopics: {}, exclude: c.exclude, limit: K }).map((r) => r.item),
  },
  {
    name: 'topic-v1',
    serve: (c) => recommend({ strategy: 'topic-v1', contentType: CONTENT_TYPE, history: c.history, neighbours: {}, popular: c.popular, topicAffinities: c.affinities, candidateTopics: c.candidateTopics, exclude: c.exclude, limit: K }).map((r) => r.item),
  },
  {
    name: 'popular-v1',
    serve: (c) => recommend({ strategy: 'popular-v1', contentType: CONTENT_TYPE, history: [], neighbours: {}, popular: c.popular, topicAffinities: {}, candidateTopics: {}, exclude: c.exclude, limit: K }).map((r) => r.item),
  },
  {
    name: 'popular, all-time counts',
    serve: (c) => recommend({ strategy: 'popular-v1', contentType: CONTENT_TYPE, history: [], neighbours: {}, popular: c.allTime, topicAffinities: {}, candidateTopics: {}, exclude: c.exclude, limit: K }).map((r) => r.item),
  },
  {
    name: 'random',
    serve: (c) => {
      const excluded = new Set(c.exclude);
      const picked = new Set<string>();
      const pool = c.catalogue.filter((item) => !excluded.has(item));
      while (picked.size < Math.min(K, pool.length)) picked.add(pool[Math.floor(c.random() * pool.length)]);
      return [...picked];
    },
  },
];

/**
 * One temporal replay with these settings; returns per variant the per-user scores (users in the
 * same order for every variant, so that the bootstrap can pair them).
 */
const replay = async (ratings: Rating[], genres: Map<string, string[]>, settings: Partial<CoEngagementSettings>, variants: Variant[]) => {
  const store = new MemoryCoEngagementStore(settings);
  const byUser = new Map<string, Rating[]>();
  for (const rating of ratings) {
    const list = byUser.get(rating.user);
    if (list) list.push(rating);
    else byUser.set(rating.user, [rating]);
  }
  // Each user's last N ratings are held out (never recorded); the first of them is when it is served.
  const heldOut = new Map<string, Set<string>>();
  const nextOf = new Map<string, string>();
  const heldOutRatings = new Set<Rating>();
  for (const [user, list] of byUser) {
    if (list.length < HOLDOUT + MIN_TRAINING) continue;
    const last = list.slice(-HOLDOUT);
    for (const rating of last) heldOutRatings.add(rating);
    heldOut.set(user, new Set(last.map((rating) => itemKey({ contentType: CONTENT_TYPE, documentId: rating.movie }))));
    nextOf.set(user, itemKey({ contentType: CONTENT_TYPE, documentId: last[0].movie }));
  }
  const seen = new Map<string, string[]>();
  const genreCounts = new Map<string, Record<string, number>>();
  const allTime = new Map<string, number>();
  const catalogue: string[] = [];
  const served = new Set<string>();
  const scores = new Map<string, Score[]>(variants.map((variant) => [variant.name, []]));
  const random = seeded(42);
  const visitorOf = (user: string) => `movielens-${user}`;

  for (const rating of ratings) {
    if (heldOutRatings.has(rating)) {
      if (served.has(rating.user)) continue;
      served.add(rating.user);
      const now = rating.at;
      const exclude = seen.get(rating.user) ?? [];
      // What a request reads: the history, its items' neighbours, popularity.
      const history = await store.history(visitorOf(rating.user), HISTORY_READ);
      const neighbours = await store.neighbours(history.map((entry) => entry.item), NEIGHBOURS_PER_ITEM, now);
      const nextSteps = history.length > 0 ? await store.nextSteps([history[0].item], NEIGHBOURS_PER_ITEM) : {};
      const popular = await store.popular(CONTENT_TYPE, null, Math.max(CANDIDATES, K + exclude.length), now);
      const candidateTopics: Record<string, string[]> = {};
      for (const { item } of popular.slice(0, CANDIDATES)) candidateTopics[item] = genres.get(item.slice(CONTENT_TYPE.length + 1)) ?? [];
      const context: ServeContext = {
        history,
        neighbours,
        nextSteps,
        popular,
        allTime: [...allTime].sort((a, b) => b[1] - a[1]).slice(0, K + exclude.length).map(([item, score]) => ({ item, score })),
        affinities: genreCounts.get(rating.user) ?? {},
        candidateTopics,
        exclude,
        random,
        catalogue,
      };
      for (const variant of variants) scores.get(variant.name)!.push(scoreOf(variant.serve(context), heldOut.get(rating.user)!, nextOf.get(rating.user)!));
      continue;
    }
    const engagement = itemEngagementOf({ type: 'track', event: 'Entry Viewed', properties: { contentType: CONTENT_TYPE, documentId: rating.movie } });
    if (!engagement) continue;
    const item = itemKey(engagement.item);
    await store.record([{ visitorId: visitorOf(rating.user), segments: [], items: [{ item, weight: engagement.weight, at: rating.at }] }], rating.at);
    const list = seen.get(rating.user);
    if (list) list.push(item);
    else seen.set(rating.user, [item]);
    const counts = genreCounts.get(rating.user) ?? {};
    for (const genre of genres.get(rating.movie) ?? []) counts[genre] = (counts[genre] ?? 0) + 1;
    genreCounts.set(rating.user, counts);
    if (!allTime.has(item)) catalogue.push(item);
    allTime.set(item, (allTime.get(item) ?? 0) + 1);
  }
  return { scores, users: served.size };
};

const mean = (values: number[]) => values.reduce((sum, value) => sum + value, 0) / Math.max(values.length, 1);

/** 95 % paired bootstrap interval of mean(a) / mean(b) over users. */
const bootstrapRatio = (a: number[], b: number[]): [number, number] => {
  const random = seeded(7);
  const ratios: number[] = [];
  for (let sample = 0; sample < BOOTSTRAP_SAMPLES; sample++) {
    let sumA = 0;
    let sumB = 0;
    for (let i = 0; i < a.length; i++) {
      const j = Math.floor(random() * a.length);
      sumA += a[j];
      sumB += b[j];
    }
    ratios.push(sumA / sumB);
  }
  ratios.sort((x, y) => x - y);
  return [ratios[Math.floor(0.025 * BOOTSTRAP_SAMPLES)], ratios[Math.floor(0.975 * BOOTSTRAP_SAMPLES)]];
};

const pad = (value: string, width: number) => value.padEnd(width);
const fixed = (value: number, digits = 3) => value.toFixed(digits);

const main = async () => {
  const dir = dataDir();
  const started = Date.now();
  const { ratings, genres, format } = loadMovieLens(dir);
  // Time order; ties in a fixed order so that every run replays the same sequence.
  ratings.sort((a, b) => a.at - b.at || Number(a.user) - Number(b.user) || (a.movie < b.movie ? -1 : a.movie > b.movie ? 1 : 0));
  // PSN_EVAL_SETTINGS: a JSON object of co-engagement settings to try instead of these.
  const settings: Partial<CoEngagementSettings> = { ...MOVIELENS_SETTINGS, ...JSON.parse(process.env.PSN_EVAL_SETTINGS ?? '{}') };
  const { scores, users } = await replay(ratings, genres, settings, VARIANTS);
  console.log(`  ${dir} (${format}): ${ratings.length} ratings, ${users} users served, last ${HOLDOUT} of each held out, temporal replay`);
  console.log(`  settings: ${JSON.stringify({ ...DEFAULT_CO_ENGAGEMENT_SETTINGS, ...settings, recencyFactor: DEFAULT_RECENCY_FACTOR })}`);
  console.log('');
  console.log(`  | ${pad('strategy', 26)} | HitRate@10 | NDCG@10 | next movie HitRate@10 |`);
  console.log(`  |${'-'.repeat(28)}|------------|---------|-----------------------|`);
  for (const variant of VARIANTS) {
    const list = scores.get(variant.name)!;
    console.log(`  | ${pad(variant.name, 26)} | ${pad(fixed(mean(list.map((s) => s.hit))), 10)} | ${pad(fixed(mean(list.map((s) => s.ndcg))), 7)} | ${pad(fixed(mean(list.map((s) => s.next))), 21)} |`);
  }
  const hits = (name: string, metric: keyof Score = 'hit') => scores.get(name)!.map((s) => s[metric]);
  const compare = (label: string, strategy: string, baseline: string, metric: keyof Score, target: string) => {
    const ratio = mean(hits(strategy, metric)) / mean(hits(baseline, metric));
    const [low, high] = bootstrapRatio(hits(strategy, metric), hits(baseline, metric));
    console.log(`  ${label} ${strategy} / ${baseline}: ${fixed(ratio, 2)} (95 % paired bootstrap over users: ${fixed(low, 2)}–${fixed(high, 2)})${target}`);
  };
  console.log('');
  for (const baseline of ['popular-v1', 'popular, all-time counts']) compare('HitRate@10', 'cf-v1', baseline, 'hit', '; target ≥ 2');
  for (const baseline of ['popular-v1', 'popular, all-time counts', 'cf-v1']) compare('next movie HitRate@10', 'next-v1', baseline, 'next', '');

  if (process.env.PSN_EVAL_SWEEP === '1') {
    const factors = [0.5, 0.7, 0.75, 0.8, 0.9, 1];
    console.log('\n  cf-v1 HitRate@10 by shrinkage (rows) and recency factor (columns)');
    console.log(`  | shrinkage | ${factors.map((f) => pad(String(f), 5)).join(' | ')} |`);
    for (const shrinkage of [0, 2, 5, 10, 20, 50]) {
      const sweep = await replay(ratings, genres, { ...settings, shrinkage }, factors.map((factor) => ({ name: String(factor), serve: cf(factor) })));
      console.log(`  | ${pad(String(shrinkage), 9)} | ${factors.map((f) => pad(fixed(mean(sweep.scores.get(String(f))!.map((s) => s.hit))), 5)).join(' | ')} |`);
    }
  }
  console.log(`\n  ${((Date.now() - started) / 1000).toFixed(1)} s`);
};

main().catch((error) => {
  console.error(error);
  process.exit(1);
});
