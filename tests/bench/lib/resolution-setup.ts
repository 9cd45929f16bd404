import type { Core } from '@strapi/strapi';
import { defaultUpdateSettings } from '../../helpers/update-settings';

export const BENCH_SEGMENT = 'bench-fans';
/** Visitors in the segment, each with the credential its browser holds after its first answer. */
const BENCH_VISITORS = Array.from({ length: 10 }, (_, i) => `bench-visitor-resolution-${i}`);

/**
 * For the resolution benchmark: 25 published articles, each with a variant for `bench-fans`
 * (overriding the call to action and the summary), and a visitor who is in that segment.
 */
export const setupResolution = async (strapi: Core.Strapi) => {
  const plugin = strapi.plugin('personalization');
  await plugin.service('segments').create({ slug: BENCH_SEGMENT, name: 'Bench fans', kind: 'rule', priority: 0, enabled: true, rules: { fact: 'pageviews', op: 'gte', value: 1 } });
  const documentIds: string[] = [];
  for (let i = 0; i < 25; i++) {
    const article = await strapi.documents('api::article.article').create({
      data: { title: `Benchmark article ${i}`, topic: 'Sci-Fi', cta: 'Read more', summary: `Summary ${i}`, readingMinutes: i },
      locale: 'en',
      status: 'published',
    } as never);
    await plugin.service('variants').create({
      contentType: 'api::article.article',
      documentId: article.documentId,
      locale: 'en',
      segment: BENCH_SEGMENT,
      priority: 0,
      enabled: true,
      fields: { cta: 'Watch the demo', summary: `Personalized summary ${i}` },
    });
    documentIds.push(article.documentId);
  }
  // Each visitor has a profile (a page view) and is in the segment; reads personalize only a proven visitor.
  const store = plugin.service('store');
  const settings = defaultUpdateSettings();
  const now = Math.floor(Date.now() / 1000);
  for (const visitor of BENCH_VISITORS) {
    await store.profiles().applyUpdates(visitor, [{ ts: now, incr: { pv: 1 } }], settings, now);
    await store.membership().writeSegments(visitor, [BENCH_SEGMENT], 86_400);
  }
  const visitorTokens: string[] = BENCH_VISITORS.map((visitor) => plugin.service('identity').visitorToken(visitor));
  return { documentIds, visitorTokens };
};

/** Database queries made while answering `path`, counted on Strapi's own knex connection. */
export const countQueries = async (strapi: Core.Strapi, url: string, headers: Record<string, string>) => {
  let queries = 0;
  const onQuery = () => {
    queries += 1;
  };
  const connection = strapi.db.connection as unknown as { on(event: string, listener: () => void): void; off(event: string, listener: () => void): void };
  connection.on('query', onQuery);
  try {
    const response = await fetch(url, { headers });
    await response.text();
  } finally {
    connection.off('query', onQuery);
  }
  return queries;
};
