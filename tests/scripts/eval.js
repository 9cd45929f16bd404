#!/usr/bin/env node
// @ts-check
/**
 * `npm run eval [name]`: offline evaluations on real data (tests/eval/*.eval.ts), each bundled with
 * esbuild and run in its own process through the same pure modules the server runs. They read
 * ../shared/data by default; PSN_DATA_DIR points them at another copy (any MovieLens-format
 * directory for the recommendation evaluation).
 */
const path = require('path');
const { REPO_ROOT } = require('./lib/build');
const { runBundled } = require('./lib/run-bundled');

// `npm run eval -- <name> <data dir>`: what follows the name goes to the evaluation.
runBundled({ dir: path.join(REPO_ROOT, 'tests', 'eval'), suffix: 'eval', only: process.argv[2], args: process.argv.slice(3) }).catch((error) => {
  console.error(error);
  process.exit(1);
});
