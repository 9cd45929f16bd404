import { startBenchServer, load } from '../lib/harness';
import { BROWSER_UA } from '../../helpers/events';
import { fiftySegments } from '../lib/fifty-segments';
const TOPICS = ['Drama', 'Comedy', 'Action', 'Sci-Fi', 'Thriller', 'Animation'];
let counter = 0;
const template = (() => {
  const events = Array.from({ length: 20 }, (_, i) => {
    const kind = i % 5;
    const base = { messageId: `@ID@-${i}`, context: { page: { url: 'https://example.com/movies/42', path: '/movies/42', referrer: 'https://www.google.com/' } } };
    if (kind === 0) return { ...base, type: 'page', properties: { topic: TOPICS[i % TOPICS.length] } };
    if (kind === 1) return { ...base, type: 'track', event: 'CTA Clicked', category: 'cta', action: 'click', label: 'hero' };
    if (kind === 2) return { ...base, type: 'track', event: 'Scroll Depth', properties: { depth: 50, previous: 25 } };
    if (kind === 3) return { ...base, type: 'track', event: 'Dwell Time', properties: { seconds: 12 } };
    return { ...base, type: 'track', event: 'Video Playback Started', category: 'video', action: 'play' };
  });
  return JSON.stringify({ anonymousId: 'bench-visitor-@VISITOR@', events }).split(/@ID@|@VISITOR@/);
})();
const batchBody = () => {
  const id = counter++;
  let body = template[0];
  for (let part = 1; part < template.length; part++) body += (part === 1 ? String(id % 5000) : `p-${process.pid}-${id}`) + template[part];
  return body;
};
const headers = { 'content-type': 'application/json', 'user-agent': BROWSER_UA };
(async () => {
  const segments = process.env.SEGMENTS ? { segments: fiftySegments() } : {};
  const server = await startBenchServer({ ingest: { perIpPerMinute: 1_000_000, perVisitorPerMinute: 1_000_000 }, ...segments });
  const path = process.env.ROUTE ?? '/api/personalization/events';
  const r = await load({ url: `${server.url}${path}`, duration: Number(process.env.SECONDS ?? 15), requests: [{ method: process.env.GET ? 'GET' : 'POST', headers, setupRequest: (req: object) => (process.env.GET ? req : { ...req, body: batchBody() }) }] });
  console.log(JSON.stringify(r));
  if (process.env.STATS) {
    const { Redis } = await import('ioredis');
    const client = new Redis({ port: server.redisPort });
    const stats = await client.info('commandstats');
    console.log(stats.split('\n').filter((l) => l.startsWith('cmdstat')).map((l) => l.replace(/,rejected_calls.*$/, '')).join('\n'));
    console.log((await client.info('cpu')).split('\n').filter((l) => l.startsWith('used_cpu')).join(' '));
    client.disconnect();
  }
  await server.stop();
})();
