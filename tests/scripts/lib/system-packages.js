// @ts-check
/**
 * Finds the Debian binaries the tests need (redis-server, chromium, PostgreSQL's server) and installs a missing one with
 * apt-get when we are root on Debian/Ubuntu; otherwise stops with the one command to run.
 */
const { execFileSync, spawnSync } = require('child_process');
const fs = require('fs');
const path = require('path');

/** @param {string} binary */
const onPath = (binary) => spawnSync('sh', ['-c', `command -v ${binary}`], { stdio: 'ignore' }).status === 0;

const isRoot = () => typeof process.getuid === 'function' && process.getuid() === 0;

let aptUpdated = false;

/** Debian's PostgreSQL server binaries live off PATH, under /usr/lib/postgresql/<major>/bin. */
const hasPostgresServer = () => {
  const root = '/usr/lib/postgresql';
  return fs.existsSync(root) && fs.readdirSync(root).some((major) => fs.existsSync(path.join(root, major, 'bin', 'initdb')));
};

/**
 * @param {string} binary  executable to look for
 * @param {string} debianPackage  package that provides it
 * @param {() => boolean} [found]  how to tell it is installed (default: on PATH)
 */
const ensureBinary = (binary, debianPackage, found = () => onPath(binary)) => {
  if (found()) return;
  if (isRoot() && onPath('apt-get')) {
    console.log(`[setup] ${binary} is missing; installing the Debian package ${debianPackage}`);
    const env = { ...process.env, DEBIAN_FRONTEND: 'noninteractive' };
    if (!aptUpdated) {
      execFileSync('apt-get', ['update'], { stdio: 'inherit', env });
      aptUpdated = true;
    }
    execFileSync('apt-get', ['install', '-y', '--no-install-recommends', debianPackage], { stdio: 'inherit', env });
    if (found()) return;
  }
  console.error(`\n${binary} is required. Install it with:\n\n  sudo apt-get install -y ${debianPackage}\n`);
  process.exit(1);
};

module.exports = { ensureBinary, hasPostgresServer, onPath };
