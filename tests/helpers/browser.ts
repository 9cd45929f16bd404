import fs from 'fs';
import path from 'path';
import { chromium, type Browser, type Page } from 'playwright-core';
import { REPO_ROOT } from './paths';

/**
 * Debian's Chromium, never a downloaded browser. `userAgent`: the browser's own, for requests no
 * context's setting reaches: a beacon sent while a page unloads carries `HeadlessChrome`, which the
 * ingest's bot filter drops.
 */
export const launchChromium = (options: { userAgent?: string } = {}): Promise<Browser> =>
  chromium.launch({
    executablePath: process.env.CHROMIUM_PATH ?? '/usr/bin/chromium',
    args: [
      '--no-sandbox',
      '--disable-gpu',
      '--disable-background-networking',
      '--disable-component-update',
      '--no-first-run',
      '--disable-quic',
      ...(options.userAgent ? [`--user-agent=${options.userAgent}`] : []),
    ],
  });

export const ARTIFACTS_DIR = path.join(REPO_ROOT, 'tests', 'artifacts');

/** Saves a full-page screenshot under tests/artifacts/ (kept by CI as a test artifact). */
export const screenshot = async (page: Page, name: string): Promise<string> => {
  fs.mkdirSync(ARTIFACTS_DIR, { recursive: true });
  const file = path.join(ARTIFACTS_DIR, `${name}.png`);
  await page.screenshot({ path: file, fullPage: true });
  return file;
};
