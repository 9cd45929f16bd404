import { randomUUID } from 'crypto';

/** The ingest benchmarks' browser batch: 20 realistic events (page views, clicks, scroll, dwell, video). */
export const BATCH = 20;
export const VISITORS = 5_000;
export const TOPICS = ['Drama', 'Comedy', 'Action', 'Sci-Fi', 'Thriller', 'Animation'];
const runTag = randomUUID().slice(0, 8);

/**
 * A generator of batches with unique messageIds for one of `VISITORS` visitors, filled into a
 * template so that the load generator spends as little CPU on it as on the baseline's requests.
 * `who` names the visitor: a bare id (`anonymousId`), or a credential (`visitorToken`, from `tokens`).
 */
export const batchBodies = (who: { anonymousId: true } | { visitorTokens: string[] }) => {
  const events = Array.from({ length: BATCH }, (_, i) => {
    const kind = i % 5;
    const base = { messageId: `@ID@-${i}`, context: { page: { url: 'https://example.com/movies/42', path: '/movies/42', referrer: 'https://www.google.com/' } } };
    if (kind === 0) return { ...base, type: 'page', properties: { topic: TOPICS[i % TOPICS.length] } };
    if (kind === 1) return { ...base, type: 'track', event: 'CTA Clicked', category: 'cta', action: 'click', label: 'hero' };
    if (kind === 2) return { ...base, type: 'track', event: 'Scroll Depth', properties: { depth: 50, previous: 25 } };
    if (kind === 3) return { ...base, type: 'track', event: 'Dwell Time', properties: { seconds: 12 } };
    return { ...base, type: 'track', event: 'Video Playback Started', category: 'video', action: 'play' };
  });
  const identity = 'anonymousId' in who ? { anonymousId: 'bench-visitor-@VISITOR@' } : { visitorToken: '@VISITOR@' };
  const template = JSON.stringify({ ...identity, events }).split(/@ID@|@VISITOR@/);
  let counter = 0;
  return () => {
    const id = counter++;
    const visitor = 'anonymousId' in who ? String(id % VISITORS) : who.visitorTokens[id % who.visitorTokens.length];
    const messagePrefix = `${runTag}-${id}`;
    let body = template[0];
    for (let part = 1; part < template.length; part++) body += (part === 1 ? visitor : messagePrefix) + template[part];
    return body;
  };
};
