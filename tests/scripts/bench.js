#!/usr/bin/env node
// @ts-check
/**
 * `npm run bench [name]`: builds the plugin and the test app, bundles each tests/bench/*.bench.ts
 * with esbuild and runs it in its own process. Every figure is printed as a ratio against a
 * baseline measured in the same run, because these machines are noisy. Benchmarks that replay
 * real data read ../shared/data (override with PSN_DATA_DIR).
 */
const path = require('path');
const { REPO_ROOT, buildPlugin, compileTestApp } = require('./lib/build');
const { runBundled } = require('./lib/run-bundled');
const { ensureBinary } = require('./lib/system-packages');

const BENCH_DIR = path.join(REPO_ROOT, 'tests', 'bench');

const main = async () => {
  ensureBinary('redis-server', 'redis-server');
  buildPlugin();
  await compileTestApp();
  await runBundled({ dir: BENCH_DIR, suffix: 'bench', only: process.argv[2], extraEntries: [path.join(BENCH_DIR, 'lib', 'bench-server.ts')] });
};

main().catch((error) => {
  console.error(error);
  process.exit(1);
});
