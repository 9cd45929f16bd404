import fs from 'fs';
import path from 'path';
import type { Core } from '@strapi/strapi';

const MOVIE = 'api::movie.movie';

/**
 * Co-engagement for the demo's "Recommended for you" and "related" rows to start from: the shipped
 * MovieLens views (tests/app/data/movielens/views.csv) replayed, through the path ingest takes, as
 * 150 sample visitors' views of the seeded movies, in each user's order and over the last day (the
 * original dates are decades old, and engagement decays). Skipped when the store already has movie
 * popularity (a restart, or a Redis that kept it).
 */
export const seedDemoEngagement = async (strapi: Core.Strapi, appRoot: string): Promise<{ seeded: boolean; views: number }> => {
  const coEngagement = strapi.plugin('personalization').service('store').coEngagement();
  const now = Math.floor(Date.now() / 1000);
  if ((await coEngagement.popular(MOVIE, null, 1, now)).length > 0) return { seeded: false, views: 0 };
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const { parse } = require('csv-parse/sync') as { parse: (input: Buffer, options: object) => Record<string, string>[] };
  const rows = parse(fs.readFileSync(path.join(appRoot, 'data', 'movielens', 'views.csv')), { columns: true });
  const movies = (await strapi.db.query(MOVIE as never).findMany({ select: ['documentId', 'movieLensId'] })) as { documentId: string; movieLensId: number }[];
  const documentIdOf = new Map(movies.map((movie) => [String(movie.movieLensId), movie.documentId]));
  const byUser = new Map<string, { documentId: string; timestamp: number }[]>();
  for (const row of rows) {
    const documentId = documentIdOf.get(row.movieId);
    if (!documentId) continue;
    const list = byUser.get(row.userId) ?? [];
    list.push({ documentId, timestamp: Number(row.timestamp) });
    byUser.set(row.userId, list);
  }
  // Through the same path as ingest's (the recommendations service's coalescing writes).
  const recommendations = strapi.plugin('personalization').service('recommendations');
  let count = 0;
  for (const [userId, views] of byUser) {
    views.sort((a, b) => a.timestamp - b.timestamp);
    const at = new Map(views.map((view, index) => [view, now - 86_400 + Math.floor((index / views.length) * 86_000)]));
    const events = views.map((view) => ({ type: 'page', properties: { contentType: MOVIE, documentId: view.documentId }, view }));
    recommendations.noteEngagements(`demo-movielens-${userId}`, [], events, (event: { view: (typeof views)[number] }) => at.get(event.view));
    count += views.length;
  }
  await recommendations.flush();
  return { seeded: true, views: count };
};
