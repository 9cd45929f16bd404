import fs from 'fs';
import path from 'path';

/** The repository root: the nearest folder up from here holding strapi-server.ts (also from a bundle). */
const findRoot = (from: string): string => {
  let dir = from;
  while (!fs.existsSync(path.join(dir, 'strapi-server.ts'))) {
    const parent = path.dirname(dir);
    if (parent === dir) throw new Error('repository root not found');
    dir = parent;
  }
  return dir;
};

export const REPO_ROOT = findRoot(__dirname);
export const APP_DIR = path.join(REPO_ROOT, 'tests', 'app');
export const APP_DIST_DIR = path.join(APP_DIR, 'dist');
