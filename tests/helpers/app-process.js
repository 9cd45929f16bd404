// @ts-check
/**
 * Boots the compiled test app (tests/app/dist) in its own process and listens on a free port of
 * 127.0.0.1; prints one JSON line `{ "url": ... }` when ready and stops on the IPC message "stop".
 * For tests that need a second Strapi instance beside the one jest runs in process. The database
 * and Redis come from the environment, as for the first instance.
 */
const path = require('path');

const main = async () => {
  const appDir = path.join(__dirname, '..', 'app');
  const { createStrapi } = require('@strapi/strapi');
  const strapi = createStrapi({ appDir, distDir: path.join(appDir, 'dist'), autoReload: false, serveAdminPanel: false });
  await strapi.load();
  await strapi.server.mount();
  const server = strapi.server.httpServer;
  await new Promise((resolve) => server.listen(0, '127.0.0.1', () => resolve(undefined)));
  const address = /** @type {import('net').AddressInfo} */ (server.address());
  process.stdout.write(`${JSON.stringify({ url: `http://127.0.0.1:${address.port}` })}\n`);
  process.on('message', async (message) => {
    if (message !== 'stop') return;
    await strapi.destroy();
    process.exit(0);
  });
};

main().catch((error) => {
  console.error(error);
  process.exit(1);
});
