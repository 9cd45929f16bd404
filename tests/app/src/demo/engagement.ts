import fs from 'fs';
import path from 'path';
import type { Core } from '@strapi/strapi';

const MOVIE = 'api::movie.movie';

/**
 * Co-engagement for the demo's "Recommended for you" and "related" rows to start from: the shipped
 * MovieLens views (tests/app/data/movielens/views.csv) replayed as 150 sample visitors' views of the
 * seeded movies, written through the plugin's own co-engagement store, in each user's order and
 * over the last day (the original dates are decades old, and engagement decays). Skipped when the
 * store already has movie popularity (a restart, or a Redis that kept it).
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
  const batch = [...byUser].map(([userId, views]) => {
    views.sort((a, b) => a.timestamp - b.timestamp);
    return {
      visitorId: `demo-movielens-${userId}`,
      segments: [],
      items: views.map((view, index) => ({ item: `${MOVIE}|${view.documentId}`, weight: 1, at: now - 86_400 + Math.floor((index / views.length) * 86_000) })),
    };
  });
  for (let start = 0; start < batch.length; start += 25) await coEngagement.record(batch.slice(start, start + 25), now);
  return { seeded: true, views: batch.reduce((sum, entry) => sum + entry.items.length, 0) };
};
