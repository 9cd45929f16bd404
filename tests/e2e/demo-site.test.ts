import type { Browser, Page } from 'playwright-core';
import { seedDemoEngagement } from '../app/src/demo/engagement';
import { DEMO_LONG_READ_TRIGGER, seedDemoPersonalization } from '../app/src/demo/personalization';
import { seedDemoContent } from '../app/src/demo/seed';
import { launchChromium, screenshot } from '../helpers/browser';
import { BROWSER_UA } from '../helpers/events';
import { APP_DIR } from '../helpers/paths';
import { startRedis, type PrivateRedis } from '../helpers/redis-server';
import { startTestApp, type TestApp } from '../helpers/strapi-app';

/**
 * The demo site in headless Chromium: different visitors do different things, reload, and see the
 * home page's variant for their segment.
 */
describe('demo site', () => {
  let redis: PrivateRedis;
  let app: TestApp;
  let baseUrl: string;
  let browser: Browser;

  beforeAll(async () => {
    redis = await startRedis();
    // A browser and Strapi share two CPUs here: give Redis reads more than the default 25 ms, so
    // that a slow moment serves no base content by mistake.
    // A 2-second heartbeat too, so that the long-read trigger acts within the test's patience.
    app = await startTestApp({ redisUrl: redis.url, pluginConfig: { resolve: { timeoutMs: 1000 }, triggers: { dwellHeartbeatsSec: [2, 30, 60, 180] } } });
    await seedDemoContent(app.strapi, APP_DIR, { movies: 60 });
    await seedDemoPersonalization(app.strapi);
    const triggers = app.strapi.plugin('personalization').service('triggers');
    const longRead = await triggers.findBySlug(DEMO_LONG_READ_TRIGGER.slug);
    await triggers.update(longRead.documentId, { condition: { ...DEMO_LONG_READ_TRIGGER.condition, seconds: 2 } });
    await seedDemoEngagement(app.strapi, APP_DIR);
    baseUrl = await app.listen();
    browser = await launchChromium();
  });

  afterAll(async () => {
    await browser?.close();
    await app?.stop();
    await redis?.stop();
  });

  const headline = (page: Page) => page.locator('#hero h1').innerText();
  const flush = (page: Page) => page.evaluate(() => (window as unknown as { psn: { flush(): Promise<void> } }).psn.flush());

  const visit = async () => {
    const context = await browser.newContext({ userAgent: BROWSER_UA, viewport: { width: 1100, height: 900 } });
    const page = await context.newPage();
    const tracked = page.waitForResponse((response) => response.url().endsWith('/api/personalization/events'));
    await page.goto(`${baseUrl}/demo/`);
    await tracked;
    await page.waitForSelector('#hero h1');
    return { context, page };
  };

  it('shows a newcomer the newcomers variant', async () => {
    const { context, page } = await visit();
    // The very first page may render before the tracker's first answer sets the visitor cookie.
    expect(['Films for every kind of evening', 'New here? Start with the classics']).toContain(await headline(page));
    await screenshot(page, 'demo-first-visit');
    await page.reload();
    await page.waitForSelector('#hero h1');
    expect(await headline(page)).toBe('New here? Start with the classics');
    expect(await page.locator('#segments').innerText()).toBe('newcomers');
    await context.close();
  });

  it('turns a visitor who plays trailers into a trailer watcher', async () => {
    const { context, page } = await visit();
    for (const index of [0, 1]) {
      await page.locator('#trailers video').nth(index).evaluate(async (video: HTMLVideoElement) => {
        await video.play();
        video.pause();
      });
    }
    await flush(page);
    await page.reload();
    await page.waitForSelector('#hero h1');
    expect(await headline(page)).toBe('Your next favourite trailer is one click away');
    expect(await page.locator('#articles button').first().innerText()).toBe('Watch the trailers first');
    await screenshot(page, 'demo-trailer-watcher');
    await context.close();
  });

  it('shows recommended and related movies, and reports clicks on them as the strategy\'s click-through', async () => {
    const { context, page } = await visit();
    await page.waitForSelector('#recommended [data-open-movie]');
    expect(await page.locator('#recommended').getAttribute('data-psn-recommendation')).toBe('cf-v1');
    expect(await page.locator('#recommended .card').count()).toBeGreaterThan(0);
    // The tracker's own psn.recommend(), as a site would call it.
    const answer = await page.evaluate(() =>
      (window as unknown as { psn: { recommend(options: object): Promise<{ data: unknown[]; meta: { strategy: string } }> } }).psn.recommend({ contentType: 'api::movie.movie', limit: 3 })
    );
    expect(answer.data.length).toBe(3);
    expect(answer.meta.strategy).toBe('cf-v1');
    const clicked = page.waitForRequest((request) => request.url().endsWith('/api/personalization/events') && (request.postData() ?? '').includes('Recommendation Clicked'));
    await page.locator('#recommended [data-open-movie]').first().click();
    await page.waitForSelector('#related [data-open-movie]');
    expect(await page.locator('#related .reason').first().innerText()).toBe('co-engagement');
    await flush(page);
    const body = JSON.parse((await clicked).postData()!);
    expect(body.events.find((event: { event?: string }) => event.event === 'Recommendation Clicked').properties.recommendation).toBe('cf-v1');
    await screenshot(page, 'demo-related');
    await context.close();
  });

  it('turns a visitor who opens science-fiction titles into a science-fiction reader', async () => {
    const { context, page } = await visit();
    for (const index of [0, 1, 2]) {
      // A single-page navigation: the tracker sends a page view carrying the movie (and its genres).
      await page.locator('#scifi [data-open-movie]').nth(index).click();
      await page.waitForSelector('#detail h1');
      await flush(page);
      await page.goto(`${baseUrl}/demo/`);
      await page.waitForSelector('#scifi [data-open-movie]');
    }
    await flush(page);
    await page.reload();
    await page.waitForSelector('#hero h1');
    expect(await headline(page)).toBe('The future, on screen');
    expect(await page.locator('#segments').innerText()).toContain('sci-fi-readers');
    expect(await page.locator('#articles button').first().innerText()).toBe('More science fiction like this');
    await screenshot(page, 'demo-sci-fi-reader');
    await context.close();
  });

  it('pops up related movies after a long read: the heartbeat\'s answer carries the action, the tracker raises psn:trigger', async () => {
    const { context, page } = await visit();
    await page.evaluate(() => {
      const seen: unknown[] = [];
      (window as unknown as { triggersSeen: unknown[] }).triggersSeen = seen;
      addEventListener('psn:trigger', (event) => seen.push((event as CustomEvent).detail));
    });
    await page.locator('#scifi [data-open-movie]').first().click();
    await page.waitForSelector('#detail h1');
    expect(await page.locator('#trigger-popup').isHidden()).toBe(true);
    await page.waitForSelector('#trigger-popup:not([hidden]) .card', { timeout: 20_000 });
    const seen = await page.evaluate(() => (window as unknown as { triggersSeen: { trigger: string; recommend: { contentType: string; items: unknown[] } }[] }).triggersSeen);
    expect(seen).toHaveLength(1);
    expect(seen[0]).toMatchObject({ trigger: 'long-read', data: { title: 'You might also like' }, recommend: { contentType: 'api::movie.movie' } });
    expect(await page.locator('#trigger-popup h2').innerText()).toBe('You might also like');
    expect(await page.locator('#trigger-popup .card').count()).toBe(seen[0].recommend.items.length);
    await screenshot(page, 'demo-long-read');
    await context.close();
  });
});
