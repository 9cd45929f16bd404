// @ts-check
/**
 * Bundles each `<dir>/*.<suffix>.ts` file with esbuild and runs it in its own process, one after
 * another: what `npm run bench` and `npm run eval` share. `only` keeps the files whose name
 * contains it. `extraEntries` are bundled beside them (a benchmark's server, for instance).
 */
const { execFileSync } = require('child_process');
const fs = require('fs');
const os = require('os');
const path = require('path');
const esbuild = require('esbuild');
const { REPO_ROOT } = require('./build');

const runBundled = async ({ dir, suffix, only, extraEntries = [], args = [] }) => {
  const files = fs
    .readdirSync(dir)
    .filter((file) => file.endsWith(`.${suffix}.ts`) && (!only || file.includes(only)))
    .sort();
  if (files.length === 0) throw new Error(`no ${dir}/*.${suffix}.ts file matches ${JSON.stringify(only)}`);
  // Inside the repository, so that the bundles resolve node_modules.
  const outDir = path.join(dir, '.out');
  fs.rmSync(outDir, { recursive: true, force: true });
  await esbuild.build({
    entryPoints: [...files.map((file) => path.join(dir, file)), ...extraEntries],
    outdir: outDir,
    bundle: true,
    platform: 'node',
    target: 'node20',
    format: 'cjs',
    packages: 'external',
    logLevel: 'warning',
  });
  console.log(`node ${process.version}, ${os.cpus().length} CPUs (${os.cpus()[0].model}), ${new Date().toISOString()}`);
  for (const file of files) {
    console.log(`\n== ${file}`);
    execFileSync(process.execPath, [path.join(outDir, file.replace(/\.ts$/, '.js')), ...args], { stdio: 'inherit', cwd: REPO_ROOT });
  }
  fs.rmSync(outDir, { recursive: true, force: true });
};

module.exports = { runBundled };
