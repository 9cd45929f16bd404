/**
 * Recommendations, counted by what was served:
 * - GET /api/personalization/recommendations?contentType=api::movie.movie&limit=10 for visitors with
 *   a history, with 10,000 movies and 100,000 visitors' co-engagement in Redis, against a plain
 *   GET /api/movies?pagination[pageSize]=10 of the same app, alternating runs: p50/p99 at one
 *   connection (target p99 < 20 ms), throughput at 32, and the share of answers carrying 10
 *   co-engagement recommendations;
 * - ingest of the ingest benchmark's 20-event batches on four movie pages each, with co-engagement
 *   recorded, against the same load on a server with recommendations turned off (target: within 10 %).
 */
import { randomUUID } from 'crypto';
import type autocannon from 'autocannon';
import { BROWSER_UA } from '../helpers/events';
import { compare, fixed, report, startBenchServer } from './lib/harness';

const MOVIE = 'api::movie.movie';
const LIMITS = { ingest: { perIpPerMinute: 1_000_000, perVisitorPerMinute: 1_000_000 } };
const BATCH = 20;
const VISITORS = 5_000;

const pick = <T>(list: readonly T[]) => list[Math.floor(Math.random() * list.length)];

/** What recommendation answers carried: a full list of co-engagement picks, or less. */
const tally = (limit: number) => {
  const counts = { answers: 0, full: 0, coEngagement: 0, degraded: 0 };
  const onResponse = (status: number, body: string) => {
    if (status !== 200) return;
    counts.answers += 1;
    const { data, meta } = JSON.parse(body) as { data: unknown[]; meta: { recommendations: { reason: string }[]; degraded?: boolean } };
    if (data.length === limit) counts.full += 1;
    if (meta.recommendations.length > 0 && meta.recommendations.every((item) => item.reason === 'co-engagement')) counts.coEngagement += 1;
    if (meta.degraded) counts.degraded += 1;
  };
  return { counts, onResponse };
};

const percent = (part: number, whole: number) => (whole === 0 ? 'n/a' : `${fixed((part / whole) * 100, 2)} %`);

let counter = 0;
const runTag = randomUUID().slice(0, 8);
/**
 * The ingest benchmark's 20-event batch (page views, clicks, scroll, dwell, video plays), on four
 * movie pages: each page view names its movie and the track events after it carry that page's
 * movie too, as the tracker sends them (`data-psn-entry`). Views and plays are what co-engagement
 * records: four new entries per batch.
 */
const batchBody = (documentIds: readonly string[]) => () => {
  const id = counter++;
  let entry = { contentType: MOVIE, documentId: pick(documentIds) };
  const events = Array.from({ length: BATCH }, (_, i) => {
    const kind = i % 5;
    if (kind === 0) entry = { contentType: MOVIE, documentId: pick(documentIds) };
    const base = { messageId: `${runTag}-${id}-${i}`, context: { page: { url: 'https://example.com/movies/42', path: '/movies/42' } } };
    if (kind === 0) return { ...base, type: 'page', properties: { ...entry } };
    if (kind === 1) return { ...base, type: 'track', event: 'CTA Clicked', category: 'cta', action: 'click', properties: { ...entry } };
    if (kind === 2) return { ...base, type: 'track', event: 'Scroll Depth', properties: { ...entry, depth: 50, previous: 25 } };
    if (kind === 3) return { ...base, type: 'track', event: 'Dwell Time', properties: { ...entry, seconds: 12 } };
    return { ...base, type: 'track', event: 'Video Playback Started', category: 'video', action: 'play', properties: { ...entry } };
  });
  return JSON.stringify({ anonymousId: `bench-rec-ingest-${id % VISITORS}`, events });
};

const ingestLoad = (url: string, documentIds: readonly string[]) => {
  const body = batchBody(documentIds);
  return {
    url: `${url}/api/personalization/events`,
    requests: [{ method: 'POST' as const, headers: { 'content-type': 'application/json', 'user-agent': BROWSER_UA }, setupRequest: (request: object) => ({ ...request, body: body() }) }],
  };
};

const main = async () => {
  const server = await startBenchServer(LIMITS, 'recommendations');
  const { documentIds, visitorTokens } = server as unknown as { documentIds: string[]; visitorTokens: string[] };
  try {
    const recommendations = `${server.url}/api/personalization/recommendations?contentType=${MOVIE}&limit=10`;
    const plain = `${server.url}/api/movies?pagination[pageSize]=10`;
    const reader = () => ({ 'x-visitor-token': pick(visitorTokens) });
    const asReader = (onResponse?: (status: number, body: string) => void): autocannon.Request[] => [
      { method: 'GET', setupRequest: (request) => ({ ...request, headers: { ...request.headers, ...reader() } }), ...(onResponse ? { onResponse } : {}) },
    ];
    const served = tally(10);
    const latency = await compare({ url: plain, connections: 1 }, { url: recommendations, connections: 1, requests: asReader(served.onResponse) });
    const throughput = await compare({ url: plain }, { url: recommendations, requests: asReader() }, { rounds: 2 });

    // Ingest with co-engagement (this server) against a server with recommendations off.
    const off = await startBenchServer({ ...LIMITS, recommendations: { enabled: false } });
    let ingest;
    try {
      ingest = await compare(ingestLoad(off.url, documentIds), ingestLoad(server.url, documentIds));
    } finally {
      await off.stop();
    }

    console.log('\nrecommendations (10,000 movies, 100,000 visitors\' co-engagement) vs a plain list of 10 movies, alternating runs');
    report('one connection: p50 / p99 (ms), plain list', `${fixed(latency.baseline.p50Ms, 1)} / ${fixed(latency.baseline.p99Ms, 1)}`);
    report('one connection: p50 / p99 (ms), recommendations', `${fixed(latency.subject.p50Ms, 1)} / ${fixed(latency.subject.p99Ms, 1)}`);
    report('recommendations p99 (ms; target < 20)', fixed(latency.subject.p99Ms, 1));
    report('answers with 10 entries', `${percent(served.counts.full, served.counts.answers)} of ${served.counts.answers}`);
    report('answers all by co-engagement', percent(served.counts.coEngagement, served.counts.answers));
    report('answers degraded', `${percent(served.counts.degraded, served.counts.answers)}`);
    report('32 connections: req/s, plain / recommendations', `${fixed(throughput.baseline.requestsPerSec, 0)} / ${fixed(throughput.subject.requestsPerSec, 0)}`);
    report('32 connections: ratio', fixed(throughput.ratio));
    report('non-2xx / errors (recommendations)', `${throughput.subject.non2xx + latency.subject.non2xx} / ${throughput.subject.errors + latency.subject.errors}`);
    report('ingest batches/s, recommendations off / on', `${fixed(ingest.baseline.requestsPerSec, 0)} / ${fixed(ingest.subject.requestsPerSec, 0)}`);
    report('ingest with co-engagement: change (target >= -10 %)', `${fixed((ingest.ratio - 1) * 100, 1)} %`);
    report('ingest p99 (ms), off / on', `${fixed(ingest.baseline.p99Ms, 1)} / ${fixed(ingest.subject.p99Ms, 1)}`);
    report('ingest non-2xx / errors (on)', `${ingest.subject.non2xx} / ${ingest.subject.errors}`);
  } finally {
    await server.stop();
  }
};

main().catch((error) => {
  console.error(error);
  process.exit(1);
});
