import { randomBytes } from 'crypto';
import type { Core } from '@strapi/strapi';
import { itemKey } from '../../../server/src/recommendations/item-ref';
import { defaultUpdateSettings } from '../../helpers/update-settings';

const MOVIE = 'api::movie.movie';
export const BENCH_ITEMS = 10_000;
export const BENCH_VISITORS = 100_000;
/** Entries each seeded visitor engaged with. */
const ITEMS_PER_VISITOR = 8;
/** Visitors whose credential the benchmark reads with (each with a history of its own). */
const READERS = 50;

/** A documentId of Strapi's shape (24 lowercase letters and digits). */
const documentId = () => randomBytes(18).toString('base64').replace(/[^a-z0-9]/g, '').padEnd(24, 'x').slice(0, 24).toLowerCase();

/** Zipf-like draw over [0, n): a few items are very popular, most are in the long tail. */
const zipf = (n: number) => Math.min(n - 1, Math.floor(n * Math.random() ** 3));

/**
 * For the recommendations benchmark: 10,000 published movies (inserted in bulk: the Document
 * Service would take minutes) and 100,000 visitors' co-engagement recorded through the plugin's
 * own store, in the batches ingest would write; plus readers with a history, and their credentials.
 */
export const setupRecommendations = async (strapi: Core.Strapi) => {
  const ids = Array.from({ length: BENCH_ITEMS }, documentId);
  const now = new Date();
  for (let start = 0; start < ids.length; start += 500) {
    const rows = ids.slice(start, start + 500).map((id, offset) => ({
      documentId: id,
      title: `Benchmark movie ${start + offset}`,
      topic: ['Drama', 'Comedy', 'Action', 'Sci-Fi'][(start + offset) % 4],
      genres: [['Drama', 'Comedy', 'Action', 'Sci-Fi'][(start + offset) % 4]],
      publishedAt: now,
      createdAt: now,
      updatedAt: now,
    }));
    await strapi.db.query(MOVIE as never).createMany({ data: rows });
  }
  const coEngagement = strapi.plugin('personalization').service('store').coEngagement();
  const nowSec = Math.floor(Date.now() / 1000);
  const visitorOf = (index: number) => `bench-rec-visitor-${index}`;
  const BATCH = 100;
  for (let start = 0; start < BENCH_VISITORS; start += BATCH) {
    const batch = Array.from({ length: Math.min(BATCH, BENCH_VISITORS - start) }, (_, offset) => {
      // Visitors come in taste groups of 100 neighbouring items, so that co-engagement has structure.
      const group = zipf(BENCH_ITEMS / 100) * 100;
      return {
        visitorId: visitorOf(start + offset),
        segments: [],
        items: Array.from({ length: ITEMS_PER_VISITOR }, (_, k) => ({
          item: itemKey({ contentType: MOVIE, documentId: ids[group + Math.floor(Math.random() * 100)] }),
          weight: 1,
          at: nowSec - (ITEMS_PER_VISITOR - k) * 60,
        })),
      };
    });
    await coEngagement.record(batch, nowSec);
  }
  const identity = strapi.plugin('personalization').service('identity');
  const readers = Array.from({ length: READERS }, (_, index) => visitorOf(index));
  // A reader's read needs a profile for topics: give each one a page view.
  const settings = defaultUpdateSettings();
  for (const reader of readers) await strapi.plugin('personalization').service('store').profiles().applyUpdates(reader, [{ ts: nowSec, incr: { pv: 1 } }], settings, nowSec);
  return { documentIds: ids, visitorTokens: readers.map((reader) => identity.visitorToken(reader)) };
};
