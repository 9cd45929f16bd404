import { createHmac } from 'crypto';
import fs from 'fs';
import path from 'path';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import request from 'supertest';
import { adminToken } from '../helpers/admin';
import { launchChromium, screenshot } from '../helpers/browser';
import { BROWSER_UA, credentialFor, pageEvent, trackEvent, visitorId } from '../helpers/events';
import { APP_DIST_DIR } from '../helpers/paths';
import { rawPost } from '../helpers/raw-post';
import { startRedis, type PrivateRedis } from '../helpers/redis-server';
import { startTestApp, type TestApp } from '../helpers/strapi-app';

const ARTICLE = 'api::article.article';
const EDITOR = { email: 'editor-e2e@example.com', password: 'Test-Admin-1234' };
const AUTHOR = { email: 'author-e2e@example.com', password: 'Test-Admin-1234' };
const CRM_WEBHOOK_SECRET = 'crm-webhook-secret-e2e-0123456789';

/**
 * The admin in headless Chromium, as an editor who has never seen the plugin: build a segment with
 * two conditions, give an article a variant for it in the Content Manager, and see the REST API
 * serve it to a member; then the analytics page with the events sent (and a webhook source's
 * counts), paths and a funnel defined there. An Author role sees no
 * plugin page. Screenshots land in tests/artifacts/admin-*.png.
 */
describe('admin', () => {
  let redis: PrivateRedis;
  let app: TestApp;
  let baseUrl: string;
  let browser: Browser;
  let context: BrowserContext;
  let page: Page;
  let article: { documentId: string };
  const member = visitorId();
  const outsider = visitorId();

  const sendEvents = (id: string, events: object[]) =>
    request(app.server).post('/api/personalization/events').set('User-Agent', BROWSER_UA).send({ anonymousId: id, events }).expect(202);

  const login = async (target: Page, user: { email: string; password: string }) => {
    await target.goto(`${baseUrl}/admin/auth/login`);
    await target.locator('input[name="email"]').fill(user.email);
    await target.locator('input[name="password"]').fill(user.password);
    await target.getByRole('button', { name: 'Login' }).click();
    await target.waitForURL((url) => !url.pathname.includes('/auth/'), { timeout: 30_000 });
  };

  beforeAll(async () => {
    if (!fs.existsSync(path.join(APP_DIST_DIR, 'build', 'index.html'))) {
      throw new Error('the test app has no admin panel build: run the suite with npm test, which builds it');
    }
    redis = await startRedis();
    app = await startTestApp({
      redisUrl: redis.url,
      serveAdminPanel: true,
      pluginConfig: {
        resolve: { timeoutMs: 1000 },
        // A segment kept in version control: shown, not editable.
        segments: [{ slug: 'french-speakers', name: 'French speakers', rules: { fact: 'locale', op: 'startsWith', value: 'fr' } }],
        webhooks: { sources: [{ name: 'crm', secret: CRM_WEBHOOK_SECRET, signature: 'segment' }] },
      },
    });
    await adminToken(app, EDITOR);
    await adminToken(app, { ...AUTHOR, roleCode: 'strapi-author' });
    article = await app.strapi.documents(ARTICLE).create({
      data: { title: 'Ten films that saw the future', topic: 'Sci-Fi', cta: 'Read more', summary: 'Base summary' },
      locale: 'en',
      status: 'published',
    } as never);
    // Behavior the rule builder will see (its fact list shows names seen in events).
    await sendEvents(member, [pageEvent(), trackEvent('Video Played', { category: 'video', action: 'play' }), trackEvent('Video Played', { category: 'video', action: 'play' })]);
    await sendEvents(outsider, [pageEvent()]);
    baseUrl = await app.listen();
    browser = await launchChromium();
    context = await browser.newContext({ viewport: { width: 1400, height: 1000 }, locale: 'en-US' });
    page = await context.newPage();
    page.setDefaultTimeout(20_000);
  });

  // A failing step leaves a picture of the page behind.
  afterEach(async () => {
    const state = expect.getState();
    if (page && state.currentTestName) await screenshot(page, `admin-last-${state.currentTestName.replace(/\W+/g, '-').slice(0, 60)}`).catch(() => {});
  });

  afterAll(async () => {
    await browser?.close();
    await app?.stop();
    await redis?.stop();
  });

  it('logs an editor in and shows the Personalization menu entry', async () => {
    await login(page, EDITOR);
    await page.getByRole('link', { name: 'Personalization' }).click();
    await page.getByRole('heading', { name: 'Segments', level: 1 }).waitFor();
    await screenshot(page, 'admin-segments');
  });

  it('shows a segment declared in code read-only, and adds a template in one click', async () => {
    const row = page.getByRole('row').filter({ hasText: 'French speakers' });
    await row.getByText('In code').waitFor();
    await row.click();
    await page.getByText('This segment comes from config/plugins.ts: change it there.').waitFor();
    expect(await page.getByRole('button', { name: 'Save' }).count()).toBe(0);
    expect(await page.getByRole('button', { name: 'Delete' }).count()).toBe(0);
    await page.getByRole('link', { name: 'Segments' }).first().click();

    const template = page.getByText('New Visitors', { exact: true }).locator('xpath=..');
    await template.getByRole('button', { name: 'Add' }).click();
    await page.getByRole('gridcell', { name: 'New Visitors' }).waitFor();
    await template.getByRole('button', { name: 'Added' }).waitFor();
  });

  it('builds a segment with two conditions, previews who matches, and saves it', async () => {
    await page.getByRole('link', { name: 'New segment' }).click();
    await page.getByRole('heading', { name: 'New segment' }).waitFor();
    await page.getByLabel('Name').fill('Video fans');
    expect(await page.getByLabel('Slug').inputValue()).toBe('video-fans');

    const conditions = page.getByTestId('rule-condition');
    await conditions.nth(0).getByLabel('Fact').fill('events.Video Played');
    await conditions.nth(0).getByLabel('Value').fill('2');
    await page.getByRole('button', { name: 'Add condition' }).click();
    await conditions.nth(1).getByLabel('Fact').fill('pageviews');
    await conditions.nth(1).getByLabel('Value').fill('1');
    // Live validation: the server counts the stored visitors the rules match now.
    await page.getByTestId('segment-preview').getByText('1 of 2 stored visitors match now').waitFor();
    await screenshot(page, 'admin-segment-builder');

    await page.getByRole('button', { name: 'Save' }).click();
    await page.getByRole('heading', { name: 'Segments', level: 1 }).waitFor();
    await page.getByRole('gridcell', { name: 'Video fans' }).waitFor();
    const segment = await app.strapi.db.query('plugin::personalization.segment').findOne({ where: { slug: 'video-fans' } });
    expect(segment.rules).toEqual({
      all: [
        { fact: 'events.Video Played', op: 'gte', value: 2 },
        { fact: 'pageviews', op: 'gte', value: 1 },
      ],
    });
  });

  it('shows a rule error at its path before saving', async () => {
    await page.getByRole('link', { name: 'New segment' }).click();
    await page.getByTestId('rule-condition').first().getByLabel('Fact').fill('nonsense');
    await page.getByTestId('segment-preview').getByText(/unknown fact/).waitFor();
    await page.getByRole('link', { name: 'Segments' }).first().click();
  });

  it('authors a variant of an article in the Content Manager side panel', async () => {
    await page.goto(`${baseUrl}/admin/content-manager/collection-types/${ARTICLE}/${article.documentId}?plugins[i18n][locale]=en`);
    const panel = page.getByTestId('personalization-panel');
    await panel.getByText('No variants: every visitor sees this entry as it is.').waitFor();
    await panel.getByRole('button', { name: 'Add a variant' }).click();

    const dialog = page.getByRole('dialog');
    await dialog.getByRole('combobox', { name: 'Shown to' }).click();
    await page.getByRole('option', { name: 'Video fans' }).click();
    const cta = dialog.getByTestId('variant-field-cta');
    await cta.getByText('Base: Read more').waitFor();
    await cta.getByRole('checkbox', { name: 'Override cta' }).click();
    await cta.getByText('Same as base').waitFor();
    await cta.getByRole('textbox', { name: 'cta' }).fill('Watch the trailer');
    await cta.getByText('Differs from base').waitFor();
    expect(await dialog.getByTestId('variant-changes').innerText()).toBe('Changes cta');
    await screenshot(page, 'admin-variant-editor');
    await dialog.getByRole('button', { name: 'Save variant' }).click();
    await dialog.waitFor({ state: 'detached' });

    await panel.getByTestId('personalization-variant').getByText('Overrides cta').waitFor();
    await screenshot(page, 'admin-content-manager-panel');
  });

  it('serves the variant to a member of the segment through REST, and the base to anyone else', async () => {
    const fetchAs = (id: string) => request(app.server).get(`/api/articles/${article.documentId}?locale=en`).set('X-Visitor-Token', credentialFor(app, id)).expect(200);
    const asMember = await fetchAs(member);
    expect(asMember.body.data.cta).toBe('Watch the trailer');
    expect(asMember.body.meta.personalization.segments).toContain('video-fans');
    expect(asMember.body.meta.personalization.variants[article.documentId]).toEqual(expect.any(String));
    const asOutsider = await fetchAs(outsider);
    expect(asOutsider.body.data.cta).toBe('Read more');
    expect(asOutsider.body.meta.personalization.variants[article.documentId]).toBeNull();
  });

  it('previews the entry as the segment sees it', async () => {
    await page.getByRole('link', { name: /Preview as segment/ }).click();
    await page.getByTestId('preview-variant').getByText(/changes cta/).waitFor();
    await screenshot(page, 'admin-preview-as-segment');
  });

  it('renders the analytics page with the events sent and the webhook counts', async () => {
    // A webhook source's event, and a request forged under another secret.
    const body = JSON.stringify({ type: 'track', event: 'Signed Up', anonymousId: visitorId() });
    const sign = (secret: string) => ({ 'Content-Type': 'application/json', 'X-Signature': createHmac('sha1', secret).update(body).digest('hex') });
    expect((await rawPost(app.server, '/api/personalization/webhooks/crm', sign(CRM_WEBHOOK_SECRET), body)).status).toBe(202);
    expect((await rawPost(app.server, '/api/personalization/webhooks/crm', sign('not-the-crm-secret-0123456'), body)).status).toBe(401);
    await app.strapi.plugin('personalization').service('stats').flush();

    await page.goto(`${baseUrl}/admin/plugins/personalization/analytics`);
    const events = page.getByTestId('analytics-total').first();
    // 3 + 1 events sent in this test (page views and tracks), and the webhook's.
    await events.getByText('5', { exact: true }).waitFor();
    await page.getByTestId('analytics-events-chart').locator('.recharts-bar-rectangle').first().waitFor();
    await page.getByRole('gridcell', { name: 'Video fans' }).first().waitFor();
    const crm = page.getByTestId('analytics-webhooks').getByTestId('analytics-webhook-row').filter({ hasText: 'crm' });
    await crm.getByTestId('analytics-webhook-refusal').getByText('Signature mismatch (401): 1', { exact: true }).waitFor();
    const cells = (await crm.locator('td').allInnerTexts()).map((text) => text.replace(/\s+/g, ' ').trim());
    // Source and scheme, events stored, duplicates, ignored, invalid, refused with the reason.
    expect(cells).toEqual(['crm segment', '1', '0', '0', '0', '1 Signature mismatch (401): 1']);
    await screenshot(page, 'admin-analytics');
    await crm.scrollIntoViewIfNeeded();
    await screenshot(page, 'admin-analytics-webhooks');
  });

  it('shows the paths visitors take from an entry on the analytics page', async () => {
    const MOVIE = 'api::movie.movie';
    const [alien, aliens] = await Promise.all(
      ['Path Alien', 'Path Aliens'].map((title) => app.strapi.documents(MOVIE).create({ data: { title, topic: 'Sci-Fi' }, status: 'published' } as never))
    );
    const view = (movie: { documentId: string }) => pageEvent({ properties: { contentType: MOVIE, documentId: movie.documentId } });
    for (let index = 0; index < 3; index++) await sendEvents(visitorId(), [view(alien), view(aliens)]);
    await app.strapi.plugin('personalization').service('recommendations').flush();

    await page.goto(`${baseUrl}/admin/plugins/personalization/analytics`);
    const panel = page.getByTestId('analytics-paths');
    await panel.getByRole('combobox', { name: 'Content type' }).click();
    await page.getByRole('option', { name: 'Movie' }).click();
    await panel.getByRole('combobox', { name: 'From the entry' }).click();
    await page.getByRole('option', { name: 'Path Alien', exact: true }).click();
    await panel.getByTestId('paths-flow').getByTestId('paths-step').filter({ hasText: 'Path Aliens' }).getByText('100%').waitFor();
    await panel.scrollIntoViewIfNeeded();
    await screenshot(page, 'admin-analytics-paths');
  });

  it('defines a funnel on the analytics page and shows how far visitors got', async () => {
    await page.goto(`${baseUrl}/admin/plugins/personalization/analytics`);
    const panel = page.getByTestId('analytics-funnels');
    await panel.getByRole('button', { name: 'New funnel' }).click();
    const form = panel.getByTestId('funnel-form');
    await form.getByLabel('Name').fill('Trailer to signup');
    await form.getByLabel('Window').fill('1h');
    await form.getByLabel('Step 1: Viewed the page').fill('Trailers');
    await form.getByLabel('Step 2: Did the event').fill('Signed Up');
    await form.getByRole('button', { name: 'Save funnel' }).click();
    await panel.getByTestId('funnel-report').waitFor();
    // Three visitors see the trailers; one of them signs up.
    for (let index = 0; index < 3; index++) await sendEvents(visitorId(), [pageEvent({ name: 'Trailers' }), ...(index === 0 ? [trackEvent('Signed Up')] : [])]);

    await page.reload();
    const steps = page.getByTestId('analytics-funnels').getByTestId('funnel-step');
    await steps.first().getByText('3 visitors').waitFor();
    await steps.nth(1).getByText('1 visitor · 33.3% of step 1').waitFor();
    await steps.nth(1).getByText('2 visitors dropped off after step 1').waitFor();
    await page.getByTestId('analytics-funnels').scrollIntoViewIfNeeded();
    await screenshot(page, 'admin-analytics-funnels');
  });

  it('runs clustering from the Clusters page and makes a segment of a cluster', async () => {
    // Two kinds of visitors for k-means to tell apart: trailer watchers on phones, long readers.
    for (let index = 0; index < 30; index++) {
      await sendEvents(visitorId(), Array.from({ length: 5 }, () => trackEvent('Video Playback Started', { category: 'video', action: 'play' })));
      await sendEvents(visitorId(), [...Array.from({ length: 6 }, () => pageEvent({ properties: { topic: 'History' } })), trackEvent('Dwell Time', { properties: { seconds: 300 } })]);
    }
    await page.goto(`${baseUrl}/admin/plugins/personalization/clusters`);
    await page.getByText('No clustering has run yet.').waitFor();
    await page.getByRole('button', { name: 'Run now' }).click();
    await page.getByTestId('cluster-row').first().waitFor({ timeout: 60_000 });
    // The charts render (one point per k tried: here k stops where the distinct profiles run out).
    await page.getByTestId('clusters-elbow').locator('.recharts-surface').first().waitFor();
    const row = page.getByTestId('cluster-row').filter({ hasText: /video/i }).first();
    const clusterId = (await row.locator('td').first().innerText()).trim();
    await row.getByRole('button', { name: 'Make a segment' }).click();
    await page.getByText('Segment created').waitFor();
    await screenshot(page, 'admin-clusters');
    await page.goto(`${baseUrl}/admin/plugins/personalization/segments`);
    await page.getByRole('row').filter({ hasText: `Cluster ${clusterId}` }).first().click();
    await page.getByTestId('segment-cluster').getByText(new RegExp(`Visitors of cluster ${clusterId}`)).waitFor();
  });

  it('shows an Author no plugin page', async () => {
    const authorContext = await browser.newContext({ viewport: { width: 1400, height: 1000 }, locale: 'en-US' });
    const authorPage = await authorContext.newPage();
    await login(authorPage, AUTHOR);
    await authorPage.getByRole('link', { name: 'Content Manager' }).waitFor();
    expect(await authorPage.getByRole('link', { name: 'Personalization' }).count()).toBe(0);
    await authorPage.goto(`${baseUrl}/admin/plugins/personalization/segments`);
    await authorPage.getByText(/don't have the permissions|do not have the permissions|no permission/i).first().waitFor();
    await screenshot(authorPage, 'admin-author-no-access');
    await authorContext.close();
  });
});
