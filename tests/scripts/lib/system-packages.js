// @ts-check
/**
 * Finds the Debian binaries the tests need (redis-server, chromium) and installs a missing one with
 * apt-get when we are root on Debian/Ubuntu; otherwise stops with the one command to run.
 */
const { execFileSync, spawnSync } = require('child_process');

/** @param {string} binary */
const onPath = (binary) => spawnSync('sh', ['-c', `command -v ${binary}`], { stdio: 'ignore' }).status === 0;

const isRoot = () => typeof process.getuid === 'function' && process.getuid() === 0;

let aptUpdated = false;

/**
 * @param {string} binary  executable to look for
 * @param {string} debianPackage  package that provides it
 */
const ensureBinary = (binary, debianPackage) => {
  if (onPath(binary)) return;
  if (isRoot() && onPath('apt-get')) {
    console.log(`[setup] ${binary} is missing; installing the Debian package ${debianPackage}`);
    const env = { ...process.env, DEBIAN_FRONTEND: 'noninteractive' };
    if (!aptUpdated) {
      execFileSync('apt-get', ['update'], { stdio: 'inherit', env });
      aptUpdated = true;
    }
    execFileSync('apt-get', ['install', '-y', '--no-install-recommends', debianPackage], { stdio: 'inherit', env });
    if (onPath(binary)) return;
  }
  console.error(`\n${binary} is required. Install it with:\n\n  sudo apt-get install -y ${debianPackage}\n`);
  process.exit(1);
};

module.exports = { ensureBinary, onPath };
