#!/usr/bin/env node
// @ts-check
/**
 * `npm test`: makes sure redis-server, chromium and PostgreSQL's server are installed, builds the plugin and the test app (with
 * its admin panel, for the admin browser test), then runs the whole jest suite in band. Extra arguments go
 * to jest (`npm test -- tests/unit`).
 */
const { spawnSync } = require('child_process');
const { ensureBinary, hasPostgresServer } = require('./lib/system-packages');
const { REPO_ROOT, bin, buildAppAdmin, buildPlugin, compileTestApp } = require('./lib/build');

const main = async () => {
  ensureBinary('redis-server', 'redis-server');
  ensureBinary('redis-cli', 'redis-tools');
  ensureBinary('chromium', 'chromium');
  ensureBinary('initdb', 'postgresql', hasPostgresServer);
  buildPlugin();
  buildAppAdmin();
  await compileTestApp();
  const args = ['--config', 'tests/jest.config.js', '--runInBand', ...process.argv.slice(2)];
  const result = spawnSync(bin('jest'), args, { cwd: REPO_ROOT, stdio: 'inherit' });
  process.exit(result.status ?? 1);
};

main().catch((error) => {
  console.error(error);
  process.exit(1);
});
