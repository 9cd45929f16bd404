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
 * With `entries`, each page view is of an entry of that content type (`properties.contentType` and
 * `documentId`), taken in turn from the list: what recommendations and paths record. With
 * `pageNames`, the page views are named in turn (`psn.page('Pricing')`): what page paths record.
 */
export const batchBodies = (
  who: { anonymousId: true } | { visitorTokens: string[] },
  entries?: { contentType: string; documentIds: string[] },
  pageNames?: readonly string[]
) => {
  const events = Array.from({ length: BATCH }, (_, i) => {
    const kind = i % 5;
    const base = { messageId: `@ID@-${i}`, context: { page: { url: 'https://example.com/movies/42', path: '/movies/42', referrer: 'https://www.google.com/' } } };
    const entry = entries ? { contentType: entries.contentType, documentId: '@ENTRY@' } : {};
    const name = pageNames ? { name: pageNames[Math.floor(i / 5) % pageNames.length] } : {};
    if (kind === 0) return { ...base, type: 'page', ...name, properties: { topic: TOPICS[i % TOPICS.length], ...entry } };
    if (kind === 1) return { ...base, type: 'track', event: 'CTA Clicked', category: 'cta', action: 'click', label: 'hero' };
    if (kind === 2) return { ...base, type: 'track', event: 'Scroll Depth', properties: { depth: 50, previous: 25 } };
    if (kind === 3) return { ...base, type: 'track', event: 'Dwell Time', properties: { seconds: 12 } };
    return { ...base, type: 'track', event: 'Video Playback Started', category: 'video', action: 'play' };
  });
  const identity = 'anonymousId' in who ? { anonymousId: 'bench-visitor-@VISITOR@' } : { visitorToken: '@VISITOR@' };
  // Odd parts name the placeholder between the even parts of the template.
  const template = JSON.stringify({ ...identity, events }).split(/@(ID|VISITOR|ENTRY)@/);
  let counter = 0;
  return () => {
    const id = counter++;
    const visitor = 'anonymousId' in who ? String(id % VISITORS) : who.visitorTokens[id % who.visitorTokens.length];
    const messagePrefix = `${runTag}-${id}`;
    let entry = id * 4;
    let body = template[0];
    for (let part = 1; part < template.length; part += 2) {
      const name = template[part];
      body += (name === 'VISITOR' ? visitor : name === 'ID' ? messagePrefix : entries!.documentIds[entry++ % entries!.documentIds.length]) + template[part + 1];
    }
    return body;
  };
};
