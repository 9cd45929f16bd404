#!/usr/bin/env node
// @ts-check
/**
 * `npm run demo`: builds the plugin and the demo app (admin panel included), picks a profile store,
 * seeds the database on first run, creates the demo admin and starts Strapi on http://localhost:1337.
 */
const path = require('path');
const { APP_DIR, buildAppAdmin, buildPlugin } = require('./lib/build');
const { chooseDemoStore } = require('./lib/redis-for-demo');

const PORT = Number(process.env.PORT ?? 1337);

const main = async () => {
  console.log('[demo] building the plugin...');
  buildPlugin();
  buildAppAdmin();

  const store = await chooseDemoStore(path.join(APP_DIR, '.tmp', 'redis'));
  Object.assign(process.env, store.env, { PORT: String(PORT), STRAPI_TELEMETRY_DISABLED: 'true' });
  process.on('exit', store.stop);
  for (const signal of /** @type {const} */ (['SIGINT', 'SIGTERM'])) process.on(signal, () => process.exit(0));

  const { createStrapi } = require('@strapi/strapi');
  const strapi = createStrapi({ appDir: APP_DIR, distDir: path.join(APP_DIR, 'dist'), autoReload: false });
  await strapi.load();
  const { seedDemoContent, ensureDemoAdmin, DEMO_ADMIN } = require(path.join(APP_DIR, 'dist', 'src', 'demo', 'seed.js'));
  const { seedDemoPersonalization } = require(path.join(APP_DIR, 'dist', 'src', 'demo', 'personalization.js'));
  const { seedDemoEngagement } = require(path.join(APP_DIR, 'dist', 'src', 'demo', 'engagement.js'));
  const { seeded } = await seedDemoContent(strapi, APP_DIR);
  await seedDemoPersonalization(strapi);
  const engagement = await seedDemoEngagement(strapi, APP_DIR);
  await ensureDemoAdmin(strapi);
  await strapi.start();

  const base = `http://localhost:${PORT}`;
  console.log(`
────────────────────────────────────────────────────────────────────────
 Personalization demo is running on ${base}
 Profile store: ${store.description}
 ${seeded ? 'Seeded 400 MovieLens movies, 6 articles, a landing page, 3 segments and their variants, a trigger.' : 'Using the content seeded on an earlier run (tests/app/.tmp/data.db).'}
 ${engagement.seeded ? `Replayed ${engagement.views} MovieLens views of 150 sample visitors, for recommendations to start from.` : 'Recommendations start from the co-engagement already in the store.'}

 Admin panel:  ${base}/admin
   email:      ${DEMO_ADMIN.email}
   password:   ${DEMO_ADMIN.password}
   then open "Personalization" in the main menu.

 Demo site: ${base}/demo/
   Play two trailers, or open three science-fiction titles, then reload: the hero and the
   article buttons change with your segment ("You are:" at the top). Stay 30 seconds on a
   movie: a trigger pops up related ones. "Forget me" erases you.
   ${base}/api/personalization/profile shows what the plugin holds about you.

 Try:
   curl -g ${base}/api/personalization/health
   curl -g '${base}/api/movies?pagination[pageSize]=3'
   curl -g '${base}/api/articles?fields[0]=title&fields[1]=topic&fields[2]=cta'

 Stop with Ctrl+C. Delete tests/app/.tmp to start from an empty database.
────────────────────────────────────────────────────────────────────────
`);
};

main().catch((error) => {
  console.error(error);
  process.exit(1);
});
