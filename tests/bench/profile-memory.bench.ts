/**
 * Memory per typical profile, measured with Redis MEMORY USAGE over every key of a visitor.
 * A typical profile is about 50 events over 5 sessions on 5 days: page views of movies a MovieLens
 * user rated (genres as topics), scroll, dwell, clicks, a video, add-to-cart, an identify call.
 * The events go through the real normalizer and the Redis driver. Counted: every key of the visitor
 * that still exists a day after the last session (the dedup sets of today and yesterday included;
 * the one-minute quota counter shown apart). Target: under 2 KB.
 *
 * The same visitors are stored with the journey-step record off and at several caps, in the same
 * run: the record's cost is the difference. Page views are sent as the tracker's automatic ones
 * are (no name; the entry's content type and genres), so each page step carries a content type
 * and up to three topics; track steps carry their event names.
 */
import fs from 'fs';
import path from 'path';
import { parse } from 'csv-parse/sync';
import { batchToUpdates, type EventContext } from '../../server/src/ingest/event-to-update';
import type { IncomingEvent } from '../../server/src/ingest/event-schema';
import { FIELDS } from '../../server/src/profiles/profile-fields';
import { redisStores } from '../../server/src/store/create-stores';
import { RedisConnection } from '../../server/src/store/redis/redis-connection';
import { REPO_ROOT } from '../helpers/paths';
import { startRedis } from '../helpers/redis-server';
import { fixed, report } from './lib/harness';
import { defaultUpdateSettings } from '../helpers/update-settings';

const VISITORS = 300;
const DAY = 86_400;
const MOVIE_TYPE = 'api::movie.movie';
// One segment asks about page views by the hour (`window: "6h"`): hourly buckets for that counter.
const SETTINGS = defaultUpdateSettings([FIELDS.pageviews]);
/** Caps of the journey-step record measured; 0 (none recorded) is the baseline. */
const STEP_CAPS = [...new Set([0, 4, SETTINGS.journeySteps, 16])].sort((a, b) => a - b);

const dataDir = process.env.PSN_DATA_DIR ?? path.join(REPO_ROOT, '..', 'shared', 'data');

/** Movies with genres, and each MovieLens user's rated movies (full data set when present). */
const loadMovieLens = () => {
  const full = path.join(dataDir, 'ml-latest-small');
  const source = fs.existsSync(path.join(full, 'ratings.csv')) ? full : null;
  const moviesFile = source ? path.join(full, 'movies.csv') : path.join(REPO_ROOT, 'tests', 'app', 'data', 'movielens', 'movies.csv');
  const movies = new Map<string, string[]>(
    (parse(fs.readFileSync(moviesFile), { columns: true }) as { movieId: string; genres: string }[]).map((row) => [row.movieId, row.genres.split('|')])
  );
  const byUser = new Map<string, string[]>();
  if (source) {
    for (const row of parse(fs.readFileSync(path.join(full, 'ratings.csv')), { columns: true }) as { userId: string; movieId: string }[]) {
      byUser.set(row.userId, [...(byUser.get(row.userId) ?? []), row.movieId]);
    }
  } else {
    const ids = [...movies.keys()];
    for (let user = 0; user < VISITORS; user++) byUser.set(String(user), ids.slice(user % 300, (user % 300) + 40));
  }
  return { movies, users: [...byUser.values()], source: source ? 'ml-latest-small ratings' : 'shipped movie subset' };
};

const typicalVisitor = (rated: string[], movies: Map<string, string[]>, visitor: number, now: number): IncomingEvent[] => {
  const events: IncomingEvent[] = [];
  let m = 0;
  for (let session = 0; session < 5; session++) {
    const start = now - (5 - session) * DAY + visitor;
    const at = (i: number) => new Date((start + i * 45) * 1000).toISOString();
    const campaign = session === 0 ? { source: 'newsletter', medium: 'email', name: 'autumn-picks' } : undefined;
    for (let i = 0; i < 10; i++) {
      const movieId = rated[m++ % rated.length];
      const timestamp = at(i);
      const messageId = `v${visitor}-s${session}-e${i}`;
      const page = { url: `https://films.example/movies/${movieId}`, path: `/movies/${movieId}`, referrer: session === 0 && i === 0 ? 'https://www.google.com/' : '' };
      const kind = i % 10;
      if (kind < 5) {
        events.push({
          type: 'page',
          timestamp,
          messageId,
          properties: { contentType: MOVIE_TYPE, documentId: `movie-${movieId}`, genres: movies.get(movieId) ?? [] },
          context: { page, campaign, locale: 'en-GB' },
        });
      } else if (kind < 7) {
        events.push({ type: 'track', event: 'Scroll Depth', timestamp, messageId, properties: { depth: 25 * (kind - 4), previous: 25 * (kind - 5) } });
      } else if (kind === 7) {
        events.push({ type: 'track', event: 'Dwell Time', timestamp, messageId, properties: { seconds: 40 + i } });
      } else if (kind === 8) {
        events.push(session % 2 === 0
          ? { type: 'track', event: 'Video Playback Started', category: 'video', action: 'play', timestamp, messageId }
          : { type: 'track', event: 'CTA Clicked', category: 'cta', action: 'click', label: 'hero', timestamp, messageId });
      } else {
        events.push(session === 4
          ? { type: 'identify', timestamp, messageId, traits: { plan: 'free' } }
          : { type: 'track', event: 'Product Added', timestamp, messageId, properties: { product_id: `movie-${movieId}` } });
      }
    }
  }
  return events;
};

const percentile = (values: number[], p: number) => [...values].sort((a, b) => a - b)[Math.min(values.length - 1, Math.floor(values.length * p))];

const main = async () => {
  const redis = await startRedis();
  const connection = new RedisConnection({ url: redis.url, commandTimeoutMs: 5000 }, 'psn:');
  await connection.connect(2000);
  const store = redisStores(connection).profiles;
  const { movies, users, source } = loadMovieLens();
  const now = Math.floor(Date.now() / 1000);
  const context: EventContext = {
    nowSec: now,
    deviceTypeOf: () => 'desktop',
    entryTopics: () => [],
    entryContentType: (event) => (event.properties?.contentType === MOVIE_TYPE ? MOVIE_TYPE : undefined),
    isPersonalKey: () => false,
    sessionGapSec: SETTINGS.sessionGapSec,
  };
  const mean = (values: number[]) => values.reduce((a, b) => a + b, 0) / values.length;
  /** Stores every visitor with the record capped at `journeySteps` and measures what each holds. */
  const measure = async (journeySteps: number) => {
    const settings = { ...SETTINGS, journeySteps };
    const totals: number[] = [];
    const lasting: number[] = [];
    const keyCounts: number[] = [];
    const byKind: Record<string, number> = {};
    let fieldCount = 0;
    for (let visitor = 0; visitor < VISITORS; visitor++) {
      const events = typicalVisitor(users[visitor % users.length], movies, visitor, now);
      const visitorId = `typical-visitor-${journeySteps}-${visitor}`;
      // Sent as a browser would: one batch per session, each on its own day.
      for (let session = 0; session < 5; session++) {
        const sessionEvents = events.slice(session * 10, session * 10 + 10);
        const sessionNow = Math.floor(Date.parse(sessionEvents[sessionEvents.length - 1].timestamp!) / 1000) + 60;
        await store.applyUpdates(visitorId, batchToUpdates(sessionEvents, { ...context, nowSec: sessionNow }).updates, settings, sessionNow);
      }
      const today = Math.floor(now / DAY);
      const keys = await redis.client.keys(`psn:{v:${visitorId}}:*`);
      let total = 0;
      let kept = 0;
      let counted = 0;
      for (const key of keys) {
        const day = key.match(/:d(\d+)$/)?.[1];
        // Dedup sets of days before yesterday would have expired by now (they live two days).
        if (day && Number(day) < today - 1) continue;
        const bytes = (await redis.client.call('MEMORY', 'USAGE', key, 'SAMPLES', '0')) as number;
        const kind = key.slice(key.lastIndexOf(':') + 1).replace(/^d\d+$/, 'd');
        byKind[kind] = (byKind[kind] ?? 0) + bytes;
        // The quota counter lives one minute: not part of what a profile holds.
        if (kind !== 'q') {
          total += bytes;
          counted += 1;
        }
        if (kind !== 'q' && kind !== 'd') kept += bytes;
      }
      fieldCount += await redis.client.hlen(`psn:{v:${visitorId}}:p`);
      totals.push(total);
      lasting.push(kept);
      keyCounts.push(counted);
    }
    const stepLengths = await Promise.all(
      Array.from({ length: VISITORS }, (_, visitor) => redis.client.lrange(`psn:{v:typical-visitor-${journeySteps}-${visitor}}:j`, 0, -1))
    );
    const steps = stepLengths.flat();
    return { totals, lasting, keyCounts, byKind, fieldCount, steps };
  };
  try {
    const results = [];
    for (const cap of STEP_CAPS) results.push({ cap, ...(await measure(cap)) });
    const baseline = mean(results[0].totals);
    const encoding = await redis.client.call('OBJECT', 'ENCODING', `psn:{v:typical-visitor-${STEP_CAPS[0]}-0}:p`);
    console.log(`\nmemory per typical profile (50 events, 5 sessions on 5 days; ${VISITORS} visitors from ${source})`);
    for (const { cap, totals, lasting, keyCounts, byKind, fieldCount, steps } of results) {
      console.log(`\n journey steps kept: ${cap}${cap === SETTINGS.journeySteps ? ' (the default)' : ''}${cap === 0 ? ' (record off: the baseline)' : ''}`);
      report('held per visitor, mean / p95 / max (bytes; target < 2048)', `${fixed(mean(totals), 0)} / ${percentile(totals, 0.95)} / ${Math.max(...totals)}`);
      report('… vs the record off (ratio; bytes added)', `${fixed(mean(totals) / baseline, 3)}; ${fixed(mean(totals) - baseline, 0)}`);
      report('without the two-day dedup sets, mean', fixed(mean(lasting), 0));
      report('keys per visitor, mean (quota counter not counted)', fixed(mean(keyCounts), 2));
      report('by key, mean bytes', Object.entries(byKind).map(([kind, bytes]) => `${kind}=${fixed(bytes / VISITORS, 0)}`).join(' '));
      report('profile hash fields, mean', fixed(fieldCount / VISITORS, 1));
      if (steps.length > 0) {
        report('steps kept per visitor, mean; bytes per stored step, mean', `${fixed(steps.length / VISITORS, 1)}; ${fixed(mean(steps.map((step) => Buffer.byteLength(step))), 1)}`);
        report('a stored step, for example', steps[0]);
      }
    }
    report('profile hash encoding', String(encoding));
  } finally {
    await connection.close();
    await redis.stop();
  }
};

main().catch((error) => {
  console.error(error);
  process.exit(1);
});
