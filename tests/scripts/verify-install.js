#!/usr/bin/env node
// @ts-check
/**
 * `npm run test:install`: what a Strapi developer does, end to end. Packs the plugin, generates a
 * fresh Strapi 5.54 TypeScript app with create-strapi-app, installs the tarball, adds the plugin
 * block to config/plugins.ts, builds the admin panel and boots the app against a private
 * redis-server, then checks /api/personalization/health. Needs the npm registry.
 */
const { execFileSync, spawn } = require('child_process');
const fs = require('fs');
const os = require('os');
const path = require('path');
const { REPO_ROOT, buildPlugin } = require('./lib/build');
const { ensureBinary } = require('./lib/system-packages');
const { chooseDemoStore } = require('./lib/redis-for-demo');

const STRAPI_VERSION = '5.54.0';

/** @param {string} label @param {() => void} step */
const timed = (label, step) => {
  const started = Date.now();
  console.log(`[install] ${label}...`);
  step();
  console.log(`[install] ${label}: ${((Date.now() - started) / 1000).toFixed(1)} s`);
};

/** @param {string} url @param {number} deadline */
const waitForHealth = async (url, deadline) => {
  for (;;) {
    try {
      const response = await fetch(url);
      if (response.ok) return await response.json();
    } catch {
      // not listening yet
    }
    if (Date.now() > deadline) throw new Error(`${url} did not answer`);
    await new Promise((resolve) => setTimeout(resolve, 500));
  }
};

const main = async () => {
  ensureBinary('redis-server', 'redis-server');
  const work = fs.mkdtempSync(path.join(os.tmpdir(), 'psn-install-'));
  const app = path.join(work, 'fresh-app');
  /** @type {string} */
  let tarball = '';
  timed('build and pack the plugin', () => {
    buildPlugin();
    const packed = execFileSync('npm', ['pack', '--pack-destination', work, '--json'], { cwd: REPO_ROOT }).toString();
    tarball = path.join(work, JSON.parse(packed)[0].filename);
  });
  timed(`create a Strapi ${STRAPI_VERSION} TypeScript app`, () => {
    execFileSync(
      'npx',
      ['-y', `create-strapi-app@${STRAPI_VERSION}`, app, '--ts', '--use-npm', '--skip-cloud', '--no-example',
        '--no-git-init', '--non-interactive', '--skip-db', '--no-run', '--install'],
      { stdio: 'inherit', cwd: work }
    );
  });
  timed('npm install the packed plugin', () => {
    execFileSync('npm', ['install', '--no-audit', '--no-fund', tarball], { cwd: app, stdio: 'inherit' });
  });

  const store = await chooseDemoStore(path.join(work, 'redis'));
  const redisUrl = store.env.PSN_REDIS_URL;
  if (!redisUrl) throw new Error('a Redis is needed for this check');
  const pluginsFile = path.join(app, 'config', 'plugins.ts');
  const original = fs.readFileSync(pluginsFile, 'utf8');
  fs.writeFileSync(
    pluginsFile,
    original.replace(
      /\(\{\s*\n/,
      `({\n  personalization: {\n    enabled: true,\n    config: { redis: { url: env('REDIS_URL', 'redis://127.0.0.1:6379') } },\n  },\n`
    )
  );
  if (!fs.readFileSync(pluginsFile, 'utf8').includes('personalization')) throw new Error('could not edit config/plugins.ts');

  timed('strapi build (admin panel with the plugin)', () => {
    execFileSync('npx', ['strapi', 'build'], { cwd: app, stdio: 'inherit' });
  });
  const adminBundle = fs.readdirSync(path.join(app, 'dist', 'build')).some((file) =>
    fs.readFileSync(path.join(app, 'dist', 'build', file), 'utf8').includes('Enable personalization')
  );
  if (!adminBundle) throw new Error("the admin bundle does not contain the plugin's admin");

  const port = 20000 + Math.floor(Math.random() * 20000);
  const server = spawn('npx', ['strapi', 'start'], {
    cwd: app,
    env: { ...process.env, PORT: String(port), REDIS_URL: redisUrl, STRAPI_TELEMETRY_DISABLED: 'true' },
    stdio: ['ignore', 'inherit', 'inherit'],
    detached: true,
  });
  try {
    const health = await waitForHealth(`http://127.0.0.1:${port}/api/personalization/health`, Date.now() + 120_000);
    console.log('[install] health:', JSON.stringify(health));
    if (health.data.status !== 'ok' || health.data.store !== 'redis') throw new Error('unexpected health');
  } finally {
    if (server.pid) process.kill(-server.pid, 'SIGTERM');
    store.stop();
  }
  fs.rmSync(work, { recursive: true, force: true });
  console.log('[install] OK: the packed plugin installs, builds into the admin panel and boots in a fresh Strapi app');
};

main().catch((error) => {
  console.error(error);
  process.exit(1);
});
