#!/usr/bin/env node
// @ts-check
/**
 * `npm run bench [name]`: builds the plugin and the test app, bundles each tests/bench/*.bench.ts
 * with esbuild and runs it in its own process. Every figure is printed as a ratio against a
 * baseline measured in the same run, because these machines are noisy. Benchmarks that replay
 * real data read ../shared/data (override with PSN_DATA_DIR).
 */
const { execFileSync } = require('child_process');
const fs = require('fs');
const os = require('os');
const path = require('path');
const esbuild = require('esbuild');
const { REPO_ROOT, buildPlugin, compileTestApp } = require('./lib/build');
const { ensureBinary } = require('./lib/system-packages');

const BENCH_DIR = path.join(REPO_ROOT, 'tests', 'bench');

const main = async () => {
  ensureBinary('redis-server', 'redis-server');
  buildPlugin();
  await compileTestApp();
  const only = process.argv[2];
  const benches = fs
    .readdirSync(BENCH_DIR)
    .filter((file) => file.endsWith('.bench.ts') && (!only || file.includes(only)))
    .sort();
  // Inside the repository, so that the bundles resolve node_modules.
  const outDir = path.join(BENCH_DIR, '.out');
  fs.rmSync(outDir, { recursive: true, force: true });
  await esbuild.build({
    entryPoints: [...benches.map((file) => path.join(BENCH_DIR, file)), path.join(BENCH_DIR, 'lib', 'bench-server.ts')],
    outdir: outDir,
    bundle: true,
    platform: 'node',
    target: 'node20',
    format: 'cjs',
    packages: 'external',
    logLevel: 'warning',
  });
  console.log(`node ${process.version}, ${os.cpus().length} CPUs (${os.cpus()[0].model}), ${new Date().toISOString()}`);
  for (const file of benches) {
    const bundled = path.join(outDir, file.replace(/\.ts$/, '.js'));
    console.log(`\n== ${file}`);
    execFileSync(process.execPath, [bundled], { stdio: 'inherit', cwd: REPO_ROOT });
  }
  fs.rmSync(outDir, { recursive: true, force: true });
};

main().catch((error) => {
  console.error(error);
  process.exit(1);
});
