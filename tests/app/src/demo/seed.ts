import type { Core } from '@strapi/strapi';
import { DEMO_ARTICLES, paragraph } from './articles';
import { readDemoMovies } from './movies';

/**
 * Fills an empty demo database: MovieLens movies (genres as topics), editorial articles and a
 * landing page, all published. Does nothing when movies already exist, so restarts are quick.
 */
export const seedDemoContent = async (
  strapi: Core.Strapi,
  appRoot: string,
  { movies = Infinity }: { movies?: number } = {}
): Promise<{ seeded: boolean }> => {
  if ((await strapi.documents('api::movie.movie').count({})) > 0) return { seeded: false };

  for (const movie of readDemoMovies(appRoot).slice(0, movies)) {
    await strapi.documents('api::movie.movie').create({
      data: {
        title: movie.title,
        movieLensId: movie.movieLensId,
        year: movie.year ?? undefined,
        topic: movie.genres[0],
        genres: movie.genres,
      },
      status: 'published',
    });
  }

  const author = await strapi.documents('api::author.author').create({
    data: { name: 'Demo Editor', bio: 'Writes about film for the demo site.' },
  });
  for (const article of DEMO_ARTICLES) {
    await strapi.documents('api::article.article').create({
      data: {
        ...article,
        tags: [article.topic],
        body: [paragraph(article.summary)],
        ctaUrl: `/movies?topic=${encodeURIComponent(article.topic)}`,
        author: author.documentId,
      },
      status: 'published',
    });
  }

  await strapi.documents('api::page.page').create({
    data: {
      title: 'Home',
      slug: 'home',
      sections: [
        {
          __component: 'sections.hero',
          headline: 'Films for every kind of evening',
          subheadline: 'Four hundred of the most-watched movies, picked for you.',
          buttonLabel: 'Start browsing',
          buttonUrl: '/movies',
        },
        {
          __component: 'sections.cta-banner',
          text: 'New here? Tell us what you like.',
          buttonLabel: 'Take the two-minute quiz',
          buttonUrl: '/quiz',
        },
      ],
    },
    status: 'published',
  });
  return { seeded: true };
};

export const DEMO_ADMIN = {
  email: 'admin@example.com',
  password: 'DemoAdmin2026!',
  firstname: 'Demo',
  lastname: 'Admin',
};

/** The admin user the demo prints; created once, like `strapi admin:create-user` does. */
export const ensureDemoAdmin = async (strapi: Core.Strapi): Promise<void> => {
  const users = strapi.admin!.services.user;
  if (await users.exists({ email: DEMO_ADMIN.email })) return;
  const superAdmin = await strapi.admin!.services.role.getSuperAdmin();
  await users.create({
    ...DEMO_ADMIN,
    isActive: true,
    roles: [superAdmin.id],
    registrationToken: null,
  });
};
