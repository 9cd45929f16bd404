import type { Core } from '@strapi/strapi';

/** Content the public (anonymous) role may read: what the tests, benchmarks and demo fetch. */
const PUBLIC_READ = ['api::article.article', 'api::page.page', 'api::movie.movie', 'api::author.author'];
/** Plugin actions the public role may call (recommendations also need the type's own find). */
const PUBLIC_ACTIONS = ['plugin::personalization.recommendations.find'];

const grantPublicRead = async (strapi: Core.Strapi) => {
  const publicRole = await strapi.db
    .query('plugin::users-permissions.role')
    .findOne({ where: { type: 'public' } });
  if (!publicRole) return;
  const wanted = [...PUBLIC_READ.flatMap((uid) => [`${uid}.find`, `${uid}.findOne`]), ...PUBLIC_ACTIONS];
  const existing = await strapi.db
    .query('plugin::users-permissions.permission')
    .findMany({ where: { role: publicRole.id, action: { $in: wanted } } });
  const have = new Set(existing.map((permission: { action: string }) => permission.action));
  for (const action of wanted.filter((name) => !have.has(name))) {
    await strapi.db
      .query('plugin::users-permissions.permission')
      .create({ data: { action, role: publicRole.id } });
  }
};

export default {
  register() {},
  async bootstrap({ strapi }: { strapi: Core.Strapi }) {
    await grantPublicRead(strapi);
  },
};
