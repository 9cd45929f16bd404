// @ts-check
/** Builds what the tests, benchmarks and demo run: the plugin's dist/ and the compiled test app. */
const { execFileSync } = require('child_process');
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

module.exports = { REPO_ROOT, APP_DIR, bin, buildPlugin, compileTestApp };
