import type { Core } from '@strapi/strapi';

/**
 * The demo's segments, variants and trigger: the home page and the articles change for visitors who
 * watch trailers, for science-fiction readers and for newcomers; a long read suggests related movies. Created through the plugin's services,
 * as the admin API would; skipped when the segments already exist.
 */
export const DEMO_SEGMENTS = [
  {
    slug: 'trailer-watchers',
    name: 'Trailer watchers',
    description: 'Played two trailers or more.',
    priority: 30,
    rules: { fact: 'events.Video Playback Started', op: 'gte', value: 2 },
  },
  {
    slug: 'sci-fi-readers',
    name: 'Science-fiction readers',
    description: 'A quarter or more of their interest goes to science fiction, over three pages or more.',
    priority: 20,
    rules: { all: [{ fact: 'topics.Sci-Fi', op: 'gte', value: 0.25 }, { fact: 'pageviews', op: 'gte', value: 3 }] },
  },
  {
    slug: 'newcomers',
    name: 'Newcomers',
    description: 'In their first session.',
    priority: 10,
    rules: { fact: 'sessions', op: 'lte', value: 1 },
  },
];

const HERO_VARIANTS: Record<string, Record<string, string>> = {
  'trailer-watchers': {
    headline: 'Your next favourite trailer is one click away',
    subheadline: 'You like to watch before you read: here are the films everyone is previewing.',
    buttonLabel: 'Play more trailers',
  },
  'sci-fi-readers': {
    headline: 'The future, on screen',
    subheadline: 'Hand-picked science fiction for readers who already know their Asimov.',
    buttonLabel: 'Explore science fiction',
  },
  newcomers: {
    headline: 'New here? Start with the classics',
    subheadline: 'The most-watched films of all, to find your taste quickly.',
    buttonLabel: 'Show me the classics',
  },
};

const ARTICLE_CTAS: Record<string, string> = {
  'trailer-watchers': 'Watch the trailers first',
  'sci-fi-readers': 'More science fiction like this',
};

/**
 * A long read of a movie page (visible 30 s, the tracker's first heartbeat) pops up related movies:
 * the ingest answer to the heartbeat carries the action, the page renders it (app.js).
 */
export const DEMO_LONG_READ_TRIGGER = {
  name: 'Long read: related movies',
  slug: 'long-read',
  description: 'After 30 seconds on a movie, suggest related ones.',
  enabled: true,
  cooldown: '10m',
  condition: { type: 'dwell', seconds: 30, contentType: 'api::movie.movie' },
  actions: { onSite: { data: { title: 'You might also like' }, recommend: { contentType: 'api::movie.movie', limit: 4 } } },
};

const seedDemoTriggers = async (strapi: Core.Strapi) => {
  const triggers = strapi.plugin('personalization').service('triggers');
  if (!(await triggers.findBySlug(DEMO_LONG_READ_TRIGGER.slug))) await triggers.create(DEMO_LONG_READ_TRIGGER);
};

export const seedDemoPersonalization = async (strapi: Core.Strapi): Promise<{ seeded: boolean }> => {
  const plugin = strapi.plugin('personalization');
  const segments = plugin.service('segments');
  await seedDemoTriggers(strapi);
  if (await segments.findBySlug(DEMO_SEGMENTS[0].slug)) return { seeded: false };
  for (const segment of DEMO_SEGMENTS) {
    await segments.create({ ...segment, kind: 'rule', enabled: true });
  }

  const variants = plugin.service('variants');
  const [home] = await strapi.documents('api::page.page').findMany({ filters: { slug: 'home' }, populate: { sections: true } } as never);
  if (home) {
    const sections = (home as unknown as { sections: Record<string, unknown>[] }).sections.map(({ id: _id, ...section }) => section);
    for (const [segment, hero] of Object.entries(HERO_VARIANTS)) {
      await variants.create({
        contentType: 'api::page.page',
        documentId: home.documentId,
        segment,
        priority: DEMO_SEGMENTS.find((definition) => definition.slug === segment)!.priority,
        enabled: true,
        label: `Home for ${segment}`,
        fields: { sections: sections.map((section) => (section.__component === 'sections.hero' ? { ...section, ...hero } : section)) },
      });
    }
  }
  const articles = await strapi.documents('api::article.article').findMany({ locale: 'en' } as never);
  for (const article of articles) {
    for (const [segment, cta] of Object.entries(ARTICLE_CTAS)) {
      await variants.create({
        contentType: 'api::article.article',
        documentId: article.documentId,
        locale: 'en',
        segment,
        priority: 0,
        enabled: true,
        fields: { cta },
      });
    }
  }
  return { seeded: true };
};
