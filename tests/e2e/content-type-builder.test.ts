import { spawn, type ChildProcess } from 'child_process';
import fs from 'fs';
import os from 'os';
import path from 'path';
import type { Browser } from 'playwright-core';
import { launchChromium, screenshot } from '../helpers/browser';
import { freePort } from '../helpers/free-port';
import { APP_DIR, REPO_ROOT } from '../helpers/paths';
import { startRedis, type PrivateRedis } from '../helpers/redis-server';

/** A copy of the test app, so that the Content-Type Builder may rewrite its schemas. */
const COPY_DIR = path.join(REPO_ROOT, 'tests', '.ctb-app');
const AUTHOR_SCHEMA = path.join(COPY_DIR, 'src', 'api', 'author', 'content-types', 'author', 'schema.json');
const ADMIN = { firstname: 'Builder', email: 'builder@example.com', password: 'Test-Admin-1234' };

/** The end of `strapi develop`'s output, to say why a wait timed out. */
let developLog = '';
const logTail = () => (developLog ? `; strapi develop said:\n${developLog.slice(-3000)}` : '');

/**
 * A poll's request, given up after 5 s: one sent on a keep-alive connection to the worker that the
 * restart is stopping can go unanswered until undici's 300 s header timeout, which ate the whole
 * wait in two full runs (the suite took 360 s; the restarted server never saw another poll).
 */
const poll = (url: string, init: RequestInit = {}) => fetch(url, { ...init, signal: AbortSignal.timeout(5_000) });

const waitFor = async <T>(what: string, probe: () => Promise<T | undefined> | T | undefined, timeoutMs: number): Promise<T> => {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    // `then(probe)`: a probe that throws at once (a schema file read while Strapi is writing it) is
    // a "not yet", like one that rejects.
    const value = await Promise.resolve()
      .then(probe)
      .catch(() => undefined);
    if (value !== undefined) return value;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}${logTail()}`);
    await new Promise((resolve) => setTimeout(resolve, 500));
  }
};

/**
 * The Content-Type Builder's "Enable personalization" option, in `strapi develop` (the only mode in
 * which the builder edits schemas): ticking it for a type writes the plugin option into the type's
 * schema.json, Strapi restarts, and the plugin then lists the type as personalized.
 */
describe('Content-Type Builder option (strapi develop)', () => {
  let redis: PrivateRedis;
  let strapi: ChildProcess | undefined;
  let browser: Browser;
  let baseUrl: string;
  let log = '';
  const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'psn-ctb-'));

  beforeAll(async () => {
    fs.rmSync(COPY_DIR, { recursive: true, force: true });
    for (const entry of ['config', 'src', 'public', 'package.json', 'tsconfig.json', 'favicon.png']) {
      fs.cpSync(path.join(APP_DIR, entry), path.join(COPY_DIR, entry), { recursive: true });
    }
    redis = await startRedis();
    const port = await freePort();
    baseUrl = `http://127.0.0.1:${port}`;
    // --debug: the restart's steps (reload message, worker killed, forked) appear in the log.
    strapi = spawn(path.join(REPO_ROOT, 'node_modules', '.bin', 'strapi'), ['develop', '--debug'], {
      cwd: COPY_DIR,
      detached: true,
      env: {
        // Only this test's plugin and database settings: none a suite before it left in the environment.
        ...Object.fromEntries(Object.entries(process.env).filter(([key]) => !key.startsWith('PSN_') && !key.startsWith('DATABASE_'))),
        HOST: '127.0.0.1',
        PORT: String(port),
        DATABASE_CLIENT: 'sqlite',
        DATABASE_FILENAME: path.join(tmp, 'data.db'),
        PSN_REDIS_URL: redis.url,
        STRAPI_TELEMETRY_DISABLED: 'true',
        BROWSER: 'none',
        NODE_ENV: 'development',
      },
    });
    strapi.stdout!.on('data', (chunk: Buffer) => (developLog = log += chunk.toString()));
    strapi.stderr!.on('data', (chunk: Buffer) => (developLog = log += chunk.toString()));
    await waitFor('strapi develop to start', () => (log.includes('Strapi started successfully') ? true : undefined), 240_000);
    browser = await launchChromium();
  }, 300_000);

  afterAll(async () => {
    await browser?.close();
    if (strapi?.pid) {
      try {
        process.kill(-strapi.pid, 'SIGTERM');
      } catch {
        // already gone
      }
      await new Promise((resolve) => setTimeout(resolve, 1000));
    }
    await redis?.stop();
    fs.rmSync(COPY_DIR, { recursive: true, force: true });
    fs.rmSync(tmp, { recursive: true, force: true });
  });

  it('writes pluginOptions.personalization.enabled, and the plugin then personalizes the type', async () => {
    const registered = await fetch(`${baseUrl}/admin/register-admin`, {
      method: 'POST',
      headers: { 'Content-Type': 'application/json' },
      body: JSON.stringify(ADMIN),
    });
    expect(registered.status).toBe(200);

    const page = await (await browser.newContext({ viewport: { width: 1400, height: 1000 }, locale: 'en-US' })).newPage();
    page.setDefaultTimeout(60_000);
    await page.goto(`${baseUrl}/admin/auth/login`);
    await page.locator('input[name="email"]').fill(ADMIN.email);
    await page.locator('input[name="password"]').fill(ADMIN.password);
    await page.getByRole('button', { name: 'Login' }).click();
    await page.waitForURL((url) => !url.pathname.includes('/auth/'));

    await page.goto(`${baseUrl}/admin/plugins/content-type-builder/content-types/api::author.author`);
    // The builder greets a new admin with a guided tour.
    const skipTour = page.getByRole('button', { name: 'Skip' });
    if (await skipTour.waitFor({ timeout: 5_000 }).then(() => true, () => false)) await skipTour.click();
    await page.getByRole('button', { name: 'Edit' }).first().click();
    await page.getByRole('tab', { name: 'Advanced settings' }).click();
    const option = page.getByRole('checkbox', { name: 'Enable personalization' });
    expect(await option.getAttribute('aria-checked')).toBe('false');
    await option.click();
    await screenshot(page, 'admin-content-type-builder');
    await page.getByRole('button', { name: 'Finish' }).click();
    await page.getByRole('button', { name: 'Save' }).first().click();

    const schema = await waitFor('the schema to be written', () => {
      const json = JSON.parse(fs.readFileSync(AUTHOR_SCHEMA, 'utf8'));
      return json.pluginOptions?.personalization ? json : undefined;
    }, 60_000);
    expect(schema.pluginOptions.personalization).toEqual({ enabled: true });

    // Strapi restarts with the new schema; the plugin now lists the type.
    const login = await waitFor('the restarted admin API', async () => {
      const response = await poll(`${baseUrl}/admin/login`, { method: 'POST', headers: { 'Content-Type': 'application/json' }, body: JSON.stringify({ email: ADMIN.email, password: ADMIN.password }) });
      return response.status === 200 ? ((await response.json()) as { data: { token: string } }) : undefined;
    }, 120_000);
    const enabled = await waitFor('the author type to be personalized', async () => {
      const response = await poll(`${baseUrl}/personalization/content-types`, { headers: { Authorization: `Bearer ${login.data.token}` } });
      const body = (await response.json()) as { data: { uid: string }[] };
      return body.data.some((type) => type.uid === 'api::author.author') ? body.data : undefined;
    }, 120_000);
    expect(enabled.map((type) => type.uid)).toEqual(expect.arrayContaining(['api::article.article', 'api::page.page', 'api::author.author']));
  }, 420_000);
});
