import type { Core } from '@strapi/strapi';

/**
 * Ten funnels as a site might have them, against the ingest benchmark's batch (page views of movies
 * with topics, clicks, scroll, dwell, video): some completed within a visitor's first batches, some
 * stuck at a step, some never started, one of ten steps, windows from 30 minutes to 90 days.
 */
export const benchFunnels = () => {
  const alternating = (length: number) => Array.from({ length }, (_, i) => ({ category: i % 2 === 0 ? 'video' : 'cta' }));
  return [
    { name: 'Drama to video', window: '1h', steps: [{ topic: 'Drama' }, { event: 'CTA Clicked' }, { category: 'video' }] },
    { name: 'Click to topics', window: '1d', steps: [{ category: 'cta' }, { topic: 'Animation' }, { topic: 'Thriller' }, { topic: 'Sci-Fi' }] },
    { name: 'Video to order', window: '7d', steps: [{ event: 'Video Playback Started' }, { event: 'Order Completed' }] },
    { name: 'Pricing to signup', window: '7d', steps: [{ page: 'Pricing' }, { event: 'Signup' }] },
    { name: 'Movie to click', window: '1h', steps: [{ contentType: 'movie' }, { event: 'CTA Clicked' }] },
    { name: 'Back and forth', window: '30m', steps: alternating(5) },
    { name: 'Comedy then drama', window: '1d', steps: [{ topic: 'Comedy' }, { topic: 'Drama' }] },
    { name: 'Long', window: '90d', steps: alternating(10) },
    { name: 'Action to checkout', window: '1d', steps: [{ topic: 'Action' }, { event: 'Checkout' }] },
    { name: 'Movie to movie', window: '2h', steps: [{ contentType: 'movie', topic: 'Drama' }, { contentType: 'movie', topic: 'Sci-Fi' }, { category: 'video' }] },
  ];
};

/** The first `count` funnels, enabled, created through the plugin's service as the admin API does. */
export const setupFunnels = async (strapi: Core.Strapi, count: number) => {
  const funnels = strapi.plugin('personalization').service('funnels');
  for (const funnel of benchFunnels().slice(0, count)) await funnels.create({ enabled: true, ...funnel });
};
