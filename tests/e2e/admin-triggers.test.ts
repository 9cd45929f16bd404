import fs from 'fs';
import path from 'path';
import type { Browser, Page } from 'playwright-core';
import request from 'supertest';
import { adminToken } from '../helpers/admin';
import { launchChromium, screenshot } from '../helpers/browser';
import { BROWSER_UA, credentialFor, trackEvent, visitorId } from '../helpers/events';
import { startReceiver, type Receiver } from '../helpers/http-receiver';
import { APP_DIST_DIR } from '../helpers/paths';
import { startRedis, type PrivateRedis } from '../helpers/redis-server';
import { startTestApp, type TestApp } from '../helpers/strapi-app';
import { waitFor } from '../helpers/wait-for';

const EDITOR = { email: 'triggers-e2e@example.com', password: 'Test-Admin-1234' };
const SECRET = 'x'.repeat(20);


/**
 * The Triggers page in headless Chromium: an editor creates an event trigger with an outbound action
 * through the form (a server error shown at its field first), sees it listed in words, sends a test
 * to a real receiver, sees a real firing in the delivery log, and replays a dead letter left by a
 * destination that was down. Screenshots land in tests/artifacts/admin-triggers-*.png.
 */
describe('admin: triggers', () => {
  let redis: PrivateRedis;
  let mailer: Receiver;
  let backup: Receiver;
  let app: TestApp;
  let token: string;
  let baseUrl: string;
  let browser: Browser;
  let page: Page;

  /** Events as the tracker sends them, with the visitor's credential (a bare id fires nothing). */
  const send = (visitor: string, events: object[]) =>
    request(app.server).post('/api/personalization/events').set('User-Agent', BROWSER_UA).send({ visitorToken: credentialFor(app, visitor), events }).expect(202);
  const admin = (method: 'get' | 'post', route: string) => request(app.server)[method](`/personalization${route}`).set('Authorization', `Bearer ${token}`);

  beforeAll(async () => {
    if (!fs.existsSync(path.join(APP_DIST_DIR, 'build', 'index.html'))) {
      throw new Error('the test app has no admin panel build: run the suite with npm test, which builds it');
    }
    redis = await startRedis();
    mailer = await startReceiver();
    // The backup system is down (503) until the test brings it back.
    backup = await startReceiver();
    backup.respond = () => 503;
    app = await startTestApp({
      redisUrl: redis.url,
      serveAdminPanel: true,
      pluginConfig: {
        triggers: {
          destinations: [
            { name: 'mailer', url: mailer.url, secret: SECRET },
            { name: 'backup', url: backup.url, secret: SECRET, timeoutMs: 1_000 },
          ],
          pollMs: 100,
          maxAttempts: 2,
          retryBaseSec: 0.1,
          retryMaxSec: 0.2,
        },
      },
    });
    token = await adminToken(app, EDITOR);
    // A second trigger, made through the API: its destination is the one that is down.
    await admin('post', '/triggers')
      .send({ name: 'Backup alert', slug: 'backup-alert', condition: { type: 'event', event: 'Backup Test' }, actions: { outbound: { destination: 'backup' } } })
      .expect(201);
    baseUrl = await app.listen();
    browser = await launchChromium();
    const context = await browser.newContext({ viewport: { width: 1500, height: 1100 }, locale: 'en-US' });
    page = await context.newPage();
    page.setDefaultTimeout(20_000);
  }, 120_000);

  afterEach(async () => {
    const state = expect.getState();
    if (page && state.currentTestName) await screenshot(page, `admin-triggers-last-${state.currentTestName.replace(/\W+/g, '-').slice(0, 60)}`).catch(() => {});
  });

  afterAll(async () => {
    await browser?.close();
    await app?.stop();
    await mailer?.stop();
    await backup?.stop();
    await redis?.stop();
  });

  it('opens the Triggers page from the plugin navigation', async () => {
    await page.goto(`${baseUrl}/admin/auth/login`);
    await page.locator('input[name="email"]').fill(EDITOR.email);
    await page.locator('input[name="password"]').fill(EDITOR.password);
    await page.getByRole('button', { name: 'Login' }).click();
    await page.waitForURL((url) => !url.pathname.includes('/auth/'), { timeout: 30_000 });
    await page.getByRole('link', { name: 'Personalization' }).click();
    await page.getByRole('link', { name: 'Triggers' }).click();
    await page.getByRole('heading', { name: 'Triggers', level: 1 }).waitFor();
    await page.getByRole('row').filter({ hasText: 'Backup alert' }).getByText('outbound → backup').waitFor();
  });

  it("creates an event trigger with an outbound action, showing the server's error at its field first", async () => {
    await page.getByRole('link', { name: 'New trigger' }).click();
    await page.getByRole('heading', { name: 'New trigger' }).waitFor();
    await page.getByLabel('Name').fill('Shoes in cart');
    expect(await page.getByLabel('Slug').inputValue()).toBe('shoes-in-cart');
    // Every condition type has its fields; the form keeps what was typed while switching.
    const when = page.getByRole('combobox', { name: 'When' });
    await when.click();
    await page.getByRole('option', { name: 'The visitor stays on a page' }).click();
    await page.getByRole('combobox', { name: 'Visible seconds on one page' }).filter({ hasText: '180 s' }).waitFor();
    await when.click();
    await page.getByRole('option', { name: 'The visitor enters or leaves a segment' }).click();
    await page.getByRole('combobox', { name: 'Change' }).filter({ hasText: 'Enters the segment' }).waitFor();
    await when.click();
    await page.getByRole('option', { name: 'An event is not followed by another within a time' }).click();
    await page.getByLabel('Follow-up event that cancels it').waitFor();
    expect(await page.getByRole('checkbox', { name: /^On-site/ }).isDisabled()).toBe(true);
    await when.click();
    await page.getByRole('option', { name: 'An event happens' }).click();

    await page.getByLabel('Event').fill('Product Added');
    await page.getByRole('button', { name: 'Add property filter' }).click();
    const filter = page.getByTestId('trigger-filter').first();
    await filter.getByLabel('Property').fill('category');
    await filter.getByLabel('Value').fill('shoes');
    await page.getByRole('checkbox', { name: /^Outbound/ }).click();
    await page.getByTestId('trigger-outbound').getByRole('combobox').filter({ hasText: 'mailer' }).waitFor();
    await page.getByTestId('trigger-outbound').scrollIntoViewIfNeeded();
    await screenshot(page, 'admin-triggers-form-actions');
    await page.getByLabel('Cool-down').fill('soon');

    // The server rejects the cool-down: its message shows under that field.
    await page.getByRole('button', { name: 'Save' }).click();
    await page.getByText(/expected a duration such as "1d"/).first().waitFor();
    await screenshot(page, 'admin-triggers-form-error');

    await page.getByLabel('Cool-down').fill('1h');
    await page.getByRole('button', { name: 'Save' }).click();
    await page.getByRole('heading', { name: 'Triggers', level: 1 }).waitFor();
    const row = page.getByRole('row').filter({ hasText: 'Shoes in cart' });
    await row.getByText('Product Added where category is "shoes"').waitFor();
    await row.getByText('outbound → mailer').waitFor();
    await screenshot(page, 'admin-triggers-list');

    const stored = await app.strapi.db.query('plugin::personalization.trigger').findOne({ where: { slug: 'shoes-in-cart' } });
    expect(stored).toMatchObject({
      name: 'Shoes in cart',
      enabled: true,
      cooldown: '1h',
      condition: { type: 'event', event: 'Product Added', where: [{ property: 'category', op: 'eq', value: 'shoes' }] },
      actions: { outbound: { destination: 'mailer' } },
      audience: null,
    });
  });

  it('edits a trigger in the same form, filled with what is stored', async () => {
    await page.getByRole('row').filter({ hasText: 'Shoes in cart' }).getByText('shoes-in-cart').click();
    await page.getByRole('heading', { name: 'Shoes in cart', level: 1 }).waitFor();
    expect(await page.getByLabel('Slug').isDisabled()).toBe(true);
    expect(await page.getByLabel('Event').inputValue()).toBe('Product Added');
    expect(await page.getByTestId('trigger-filter').first().getByLabel('Value').inputValue()).toBe('shoes');
    expect(await page.getByRole('checkbox', { name: /^Outbound/ }).isChecked()).toBe(true);
    await page.getByLabel('Cool-down').fill('2h');
    await page.getByRole('button', { name: 'Save' }).click();
    await page.getByRole('heading', { name: 'Triggers', level: 1 }).waitFor();
    await page.getByRole('row').filter({ hasText: 'Shoes in cart' }).getByText('2h', { exact: true }).waitFor();
  });

  it('sends a test to the destination and shows what it answered', async () => {
    const row = page.getByRole('row').filter({ hasText: 'Shoes in cart' });
    await row.getByRole('button', { name: 'Send test' }).click();
    await row.getByTestId('trigger-test-result').getByText('Test delivered to mailer: HTTP 200').waitFor();
    expect(mailer.received.map((received) => received.json)).toEqual([expect.objectContaining({ test: true, trigger: 'shoes-in-cart' })]);
  });

  it('lists a real firing in the delivery log', async () => {
    const shopper = visitorId();
    await send(shopper, [trackEvent('Product Added', { properties: { category: 'shoes' } })]);
    await waitFor('the delivery', () => (mailer.received.some((received) => !received.json.test) ? true : undefined));
    await page.getByRole('tab', { name: 'Delivery log' }).click();
    const row = page.getByTestId('deliveries-recent').getByTestId('delivery-row').filter({ hasText: 'Shoes in cart' });
    await row.getByText('Delivered').waitFor();
    await row.getByText(shopper.slice(0, 12)).waitFor();
    await row.getByText('200', { exact: true }).waitFor();
    // The list counts it among the last 7 days' deliveries.
    await page.getByRole('tab', { name: 'Triggers' }).click();
    await page.reload();
    await page.getByRole('row').filter({ hasText: 'Shoes in cart' }).getByText(/1 fired · 1 delivered/).waitFor();
  });

  it('lists a dead letter of a destination that was down, and replays it once it is back', async () => {
    await send(visitorId(), [trackEvent('Backup Test')]);
    const dead = await waitFor('the dead letter', async () => {
      const { body } = await admin('get', '/triggers/deliveries?status=dead').expect(200);
      return body.data[0] as { id: string } | undefined;
    });
    await page.getByRole('tab', { name: 'Dead letters' }).click();
    const deadLetters = page.getByTestId('deliveries-dead');
    const row = deadLetters.getByTestId('delivery-row').filter({ hasText: 'Backup alert' });
    await row.getByText('the receiver answered 503').waitFor();
    await deadLetters.getByTestId('deliveries-counts').getByText(/1 dead letter\b/).waitFor();
    await screenshot(page, 'admin-triggers-dead-letters');

    backup.respond = () => 200;
    await row.getByRole('button', { name: 'Replay' }).click();
    await page.getByText(`Delivery ${dead.id.slice(0, 8)} queued again`).waitFor();
    await waitFor('the replayed delivery', () => (backup.received.some((received) => received.status === 200) ? true : undefined));
    await page.getByRole('tab', { name: 'Delivery log' }).click();
    const log = page.getByTestId('deliveries-recent');
    await log.getByRole('button', { name: 'Refresh' }).click();
    await log.getByTestId('delivery-row').filter({ hasText: 'Backup alert' }).getByText('Delivered').waitFor();
    await screenshot(page, 'admin-triggers-delivery-log');
  });

  it('deletes a trigger after asking', async () => {
    await page.getByRole('tab', { name: 'Triggers' }).click();
    await page.getByRole('row').filter({ hasText: 'Backup alert' }).getByText('backup-alert').click();
    await page.getByRole('heading', { name: 'Backup alert', level: 1 }).waitFor();
    await page.getByRole('button', { name: 'Delete' }).click();
    const dialog = page.getByRole('alertdialog');
    await dialog.getByText('“Backup alert” stops firing at once').waitFor();
    await dialog.getByRole('button', { name: 'Delete the trigger' }).click();
    await page.getByRole('heading', { name: 'Triggers', level: 1 }).waitFor();
    await page.getByRole('row').filter({ hasText: 'Shoes in cart' }).waitFor();
    expect(await page.getByRole('row').filter({ hasText: 'Backup alert' }).count()).toBe(0);
    expect(await app.strapi.db.query('plugin::personalization.trigger').findOne({ where: { slug: 'backup-alert' } })).toBeNull();
  });
});
