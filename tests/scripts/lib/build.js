// @ts-check
/** Builds what the tests, benchmarks and demo run: the plugin's dist/ and the compiled test app. */
const { execFileSync } = require('child_process');
const fs = require('fs');
const path = require('path');

const REPO_ROOT = path.resolve(__dirname, '..', '..', '..');
const APP_DIR = path.join(REPO_ROOT, 'tests', 'app');
const bin = (name) => path.join(REPO_ROOT, 'node_modules', '.bin', name);

/** `npm run build`: the server and admin bundles, then the browser tracker. */
const buildPlugin = () => {
  execFileSync('npm', ['run', '--silent', 'build'], { cwd: REPO_ROOT, stdio: 'inherit' });
};

/** Compiles the test app's TypeScript (config, src) into tests/app/dist, as `strapi build` does. */
const compileTestApp = async () => {
  const { compileStrapi } = require('@strapi/strapi');
  await compileStrapi({ appDir: APP_DIR, ignoreDiagnostics: false });
};

/** @param {string} target @returns {number} newest mtime of a file or anything under a folder */
const newestMtime = (target) => {
  if (!fs.existsSync(target)) return 0;
  if (!fs.statSync(target).isDirectory()) return fs.statSync(target).mtimeMs;
  let newest = 0;
  for (const entry of fs.readdirSync(target, { withFileTypes: true, recursive: true })) {
    if (entry.isFile()) newest = Math.max(newest, fs.statSync(path.join(entry.parentPath, entry.name)).mtimeMs);
  }
  return newest;
};

/**
 * `strapi build` of the test app (its TypeScript and its admin panel, with the plugin's admin), only
 * when the plugin's admin sources, the app or the installed packages changed since the last build.
 */
const buildAppAdmin = () => {
  const builtAt = newestMtime(path.join(APP_DIR, 'dist', 'build'));
  const sources = Math.max(
    newestMtime(path.join(REPO_ROOT, 'admin', 'src')),
    newestMtime(path.join(REPO_ROOT, 'package-lock.json')),
    newestMtime(path.join(APP_DIR, 'src')),
    newestMtime(path.join(APP_DIR, 'config'))
  );
  if (builtAt > sources) return;
  console.log('building the test app and its admin panel (about 40 s)...');
  execFileSync(bin('strapi'), ['build'], { cwd: APP_DIR, stdio: 'inherit', env: { ...process.env, NODE_ENV: 'production' } });
};

module.exports = { REPO_ROOT, APP_DIR, bin, buildPlugin, buildAppAdmin, compileTestApp };
