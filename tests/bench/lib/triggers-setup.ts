import type { Core } from '@strapi/strapi';

/**
 * Twenty triggers as a site might have them, against the ingest benchmark's batch (page views,
 * clicks, scroll, dwell, video): most test events the batch does not send or filters it does not
 * meet; one absence is armed by every batch (its first event arrives last), so the cost of the
 * store step is in the figure too, and one acts on site on each visitor's first batch. None sends
 * outbound during the run (that is the delivery worker's cost, not ingest's).
 */
export const benchTriggers = () => [
  ...Array.from({ length: 12 }, (_, i) => ({ name: `Event ${i}`, slug: `event-${i}`, condition: { type: 'event', event: `Order Step ${i}` }, actions: { outbound: { destination: 'sink' } } })),
  ...Array.from({ length: 4 }, (_, i) => ({
    name: `Filtered ${i}`,
    slug: `filtered-${i}`,
    condition: { type: 'event', event: 'CTA Clicked', where: [{ property: 'plan', op: 'eq', value: `plan-${i}` }] },
    actions: { outbound: { destination: 'sink' } },
  })),
  { name: 'Long read', slug: 'long-read', condition: { type: 'dwell', seconds: 180 }, actions: { onSite: { data: { title: 'More' } } } },
  { name: 'Very long read', slug: 'very-long-read', condition: { type: 'dwell', seconds: 60 }, actions: { onSite: { data: { title: 'More' } } } },
  {
    name: 'Watched, never clicked',
    slug: 'watched-never-clicked',
    condition: { type: 'absence', event: 'Video Playback Started', unless: { event: 'CTA Clicked' }, within: '1h' },
    actions: { outbound: { destination: 'sink' } },
  },
  { name: 'Newcomer', slug: 'newcomer', condition: { type: 'segment', segment: 'bench-newcomers', change: 'enter' }, actions: { onSite: { data: { title: 'Welcome' } } } },
];

/**
 * The segment one trigger names (on both servers: it is the segment's cost, not the triggers'), and
 * the first `count` triggers; signs the visitors' credentials.
 */
export const setupTriggers = async (strapi: Core.Strapi, count: number, visitors: number) => {
  const plugin = strapi.plugin('personalization');
  await plugin.service('segments').create({ name: 'Bench newcomers', slug: 'bench-newcomers', kind: 'rule', rules: { fact: 'sessions', op: 'lte', value: 1 }, priority: 0, enabled: true });
  for (const trigger of benchTriggers().slice(0, count)) await plugin.service('triggers').create({ enabled: true, cooldown: '1d', ...trigger });
  const identity = plugin.service('identity');
  return { visitorTokens: Array.from({ length: visitors }, (_, i) => identity.visitorToken(`bench-visitor-${i}`) as string) };
};
