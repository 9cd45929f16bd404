import http from 'http';
import type { AddressInfo } from 'net';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { launchChromium, screenshot } from '../helpers/browser';
import { BROWSER_UA } from '../helpers/events';
import { startRedis, type PrivateRedis } from '../helpers/redis-server';
import { startTestApp, type TestApp } from '../helpers/strapi-app';

/**
 * The browser tracker in real headless Chromium against a page served by the test app: what a
 * visitor does on the page must end up in their profile in Redis.
 */
describe('browser tracker in Chromium', () => {
  let redis: PrivateRedis;
  let app: TestApp;
  let baseUrl: string;
  let browser: Browser;

  beforeAll(async () => {
    redis = await startRedis();
    app = await startTestApp({ redisUrl: redis.url });
    baseUrl = await app.listen();
    // The leave report goes by beacon as the page unloads, with the browser's own User-Agent.
    browser = await launchChromium({ userAgent: BROWSER_UA });
  });

  afterAll(async () => {
    await browser?.close();
    await app?.stop();
    await redis?.stop();
  });

  const visitorCookie = async (context: BrowserContext) =>
    (await context.cookies(baseUrl)).find((cookie) => cookie.name === 'psn_vid');

  const waitForProfile = async (visitorId: string, done: (fields: Record<string, string>) => boolean) => {
    const deadline = Date.now() + 15_000;
    for (;;) {
      const fields = await redis.client.hgetall(`psn:{v:${visitorId}}:p`);
      if (done(fields)) return fields;
      if (Date.now() > deadline) return fields;
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
  };

  /** Flushes the tracker's queue now instead of waiting for its 5-second timer. */
  const flush = (page: Page) => page.evaluate(() => (window as unknown as { psn: { flush(): Promise<void> } }).psn.flush());

  it('records page views, scrolling, clicks, video, form focus, hovers, dataLayer and custom events, dwell on hide', async () => {
    const context = await browser.newContext({ userAgent: BROWSER_UA, viewport: { width: 1000, height: 700 } });
    const page = await context.newPage();
    const firstBatch = page.waitForResponse((response) => response.url().endsWith('/api/personalization/events'));
    await page.goto(`${baseUrl}/tracker-test.html?utm_source=newsletter&utm_medium=email&utm_campaign=launch`);
    expect((await firstBatch).status()).toBe(202);
    const cookie = await visitorCookie(context);
    expect(cookie).toMatchObject({ httpOnly: true, sameSite: 'Lax' });
    // The cookie and the tracker's storage hold the signed credential; the bare id is only a name.
    const [visitorId, mac] = cookie!.value.split('.');
    expect(mac).toMatch(/^[A-Za-z0-9_-]{43}$/);
    const stored = await page.evaluate(() => ({ token: localStorage.getItem('psn_tok'), key: localStorage.getItem('psn_key'), id: (window as unknown as { psn: { visitorId: string } }).psn.visitorId }));
    expect(stored).toEqual({ token: cookie!.value, key: null, id: visitorId });

    await page.click('#cta');
    await page.click('#link');
    await page.hover('#hover');
    await page.waitForTimeout(600);
    await page.mouse.move(900, 650);
    await page.focus('#email');
    await page.focus('input[name=password]');
    await page.evaluate(() => {
      (window as unknown as { dataLayer: unknown[] }).dataLayer.push({ event: 'Signup', plan: 'trial' });
      (window as unknown as { psn: { track(name: string, props: object): void } }).psn.track('Quiz Answered', { category: 'quiz', action: 'answer', label: 'q1' });
    });
    await page.evaluate(async () => {
      const video = document.getElementById('video') as HTMLVideoElement;
      const ended = new Promise((resolve) => video.addEventListener('ended', resolve, { once: true }));
      await video.play();
      await ended;
    });
    await page.evaluate(() => window.scrollTo(0, document.documentElement.scrollHeight));
    await page.waitForTimeout(300);
    await screenshot(page, 'tracker-test-page');

    // A single-page-app navigation counts as a page view.
    await page.evaluate(() => history.pushState({}, '', '/tracker-test.html?step=2'));
    await flush(page);

    // Hide the tab: the tracker reports visible dwell time and hands its queue to sendBeacon.
    await page.evaluate(() => {
      Object.defineProperty(document, 'visibilityState', { value: 'hidden', configurable: true });
      document.dispatchEvent(new Event('visibilitychange'));
    });

    const fields = await waitForProfile(visitorId, (current) => Boolean(current.dw) && Number(current.pv) >= 2);
    expect(fields).toMatchObject({
      pv: '2',
      'e:CTA Clicked': '1',
      'c:cta': '1',
      'ca:cta/click': '1',
      'e:Link Clicked': '1',
      'e:Element Hovered': '1',
      'e:Form Field Focused': '1',
      'e:Signup': '1',
      'e:Quiz Answered': '1',
      'c:quiz': '1',
      'e:Video Playback Started': '1',
      'e:Video Playback Completed': '1',
      'c:video': '2',
      sx: '100',
      'a0:us': 'newsletter',
      'a0:um': 'email',
      'a0:uc': 'launch',
      'a0:dv': 'desktop',
      loc: 'en-US',
    });
    expect(Number(fields.dw)).toBeGreaterThanOrEqual(1);
    expect(Number(fields.su)).toBe(100);
    // Topics come from the page's data-psn-topics.
    expect(Object.keys(fields).filter((field) => field.startsWith('t:')).sort()).toEqual(['t:Animation', 't:Sci-Fi']);
    // The password field, focused after the e-mail field, is never reported.
    expect(Number(fields['e:Form Field Focused'])).toBe(1);
    await context.close();
  });

  describe('bounces', () => {
    type Props = Record<string, unknown>;
    let documentId: string;
    /** Events of the batches the app has answered, as the browser sent them (Playwright does not see beacons). */
    const answered: { properties?: Props; context?: { page?: { url?: string } } }[] = [];
    beforeAll(async () => {
      ({ documentId } = await app.strapi.documents('api::movie.movie').create({ data: { title: 'Alien', genres: ['Horror'] }, status: 'published' }));
      app.server.on('request', (request: http.IncomingMessage, response: http.ServerResponse) => {
        if (request.method !== 'POST' || request.url !== '/api/personalization/events') return;
        let body = '';
        request.on('data', (chunk) => (body += chunk));
        response.on('finish', () => answered.push(...(JSON.parse(body).events ?? [])));
      });
    });

    let visits = 0;
    /**
     * Opens a page of the movie (short, or tall enough to scroll), lets `act` do what the visitor
     * does, leaves for another page, and returns the profile once the page's leave report is stored,
     * with that report as the tracker sent it.
     */
    const visitAndLeave = async (act: (page: Page) => Promise<void>, tall = false, leaveBy = (page: Page) => page.goto(`${baseUrl}/elsewhere.html`).then(() => {})) => {
      const url = `${baseUrl}/movie.html?visit=${++visits}`;
      const context = await browser.newContext({ userAgent: BROWSER_UA, viewport: { width: 1000, height: 700 } });
      await context.route(`${baseUrl}/movie.html*`, (route) =>
        route.fulfill({
          contentType: 'text/html',
          body: `<!doctype html><title>Alien</title><body data-psn-entry="api::movie.movie:${documentId}">
            <p id="synopsis">In space no one can hear you scream.</p>${tall ? '<div style="height:3000px"></div>' : ''}
            <script src="/api/personalization/tracker.js" data-endpoint="/api/personalization" async></script></body>`,
        })
      );
      await context.route(`${baseUrl}/elsewhere.html`, (route) => route.fulfill({ contentType: 'text/html', body: '<!doctype html><title>Elsewhere</title>' }));
      const page = await context.newPage();
      const firstBatch = page.waitForResponse((response) => response.url().endsWith('/api/personalization/events'));
      await page.goto(url);
      expect((await firstBatch).status()).toBe(202);
      const [visitorId] = (await visitorCookie(context))!.value.split('.');
      await act(page);
      await leaveBy(page);
      // A single-page app's leave report is sent once the address has changed: it carries the next one.
      const leave = () => answered.find((event) => event.context?.page?.url?.startsWith(url) && event.properties?.left === true);
      const deadline = Date.now() + 15_000;
      while (!leave() && Date.now() < deadline) await new Promise((resolve) => setTimeout(resolve, 100));
      // Read before closing: in a single-page app the next view is of the same entry, and closing the
      // browser leaves it at once, which is a bounce of its own (its beacon may land before the read or not).
      const fields = await redis.client.hgetall(`psn:{v:${visitorId}}:p`);
      await context.close();
      return { fields, leave: leave() };
    };

    it('counts a page of an entry left quickly without interaction as a bounce for its topics', async () => {
      const { fields, leave } = await visitAndLeave(async (page) => {
        // Long enough for the short page's scroll mark at load, which is no interaction.
        await page.waitForTimeout(800);
      });
      expect(leave?.properties).toMatchObject({ left: true, interacted: false, contentType: 'api::movie.movie', documentId });
      expect(fields['b:Horror']).toBe('1');
      expect(fields.sx).toBe('100');
    });

    it('counts a bounce when a single-page app navigates away (history.pushState) with no interaction', async () => {
      const { fields, leave } = await visitAndLeave(
        (page) => page.waitForTimeout(800),
        false,
        (page) => page.evaluate(() => history.pushState({}, '', `${location.search}&view=next`))
      );
      expect(leave?.properties).toMatchObject({ left: true, interacted: false, contentType: 'api::movie.movie', documentId });
      expect(fields['b:Horror']).toBe('1');
    });

    it('counts no bounce when the visitor clicked or scrolled before leaving', async () => {
      const clicked = await visitAndLeave((page) => page.click('#synopsis'));
      expect(clicked.leave?.properties).toMatchObject({ left: true, interacted: true, documentId });
      expect(clicked.fields['b:Horror']).toBeUndefined();
      const scrolled = await visitAndLeave(async (page) => {
        await page.waitForTimeout(800);
        await page.mouse.wheel(0, 1500);
        await page.waitForFunction(() => scrollY > 0);
        await page.waitForTimeout(300);
      }, true);
      expect(scrolled.leave?.properties).toMatchObject({ left: true, interacted: true, documentId });
      expect(scrolled.fields['b:Horror']).toBeUndefined();
      expect(Number(scrolled.fields.sx)).toBeGreaterThanOrEqual(25);
    });
  });

  it('retries a failed batch with backoff and the server counts it once', async () => {
    const context = await browser.newContext({ userAgent: BROWSER_UA });
    const page = await context.newPage();
    let attempts = 0;
    await page.route('**/api/personalization/events', async (route) => {
      attempts += 1;
      // The first attempt reaches Redis but the answer is lost: the retry must be a duplicate.
      if (attempts === 1) {
        const response = await route.fetch();
        expect(response.status()).toBe(202);
        await route.fulfill({ status: 503, body: '{}' });
        return;
      }
      await route.continue();
    });
    const delivered = page.waitForResponse((response) => response.url().endsWith('/events') && response.status() === 202, { timeout: 10_000 });
    await page.goto(`${baseUrl}/tracker-test.html`);
    const retried = await delivered;
    expect(attempts).toBeGreaterThanOrEqual(2);
    expect((await retried.json()).data).toMatchObject({ accepted: 0, duplicates: 1 });
    // The lost answer carried the credential; the retry is the same visitor through its visitor key.
    const visitorId = (await retried.json()).data.visitorId;
    expect(await redis.client.hget(`psn:{v:${visitorId}}:p`, 'pv')).toBe('1');
    await context.close();
  });

  it('keeps one visitor across pages of a site whose CMS is on another site (no third-party cookie)', async () => {
    // The page is served from http://localhost:<port>, the CMS answers at http://127.0.0.1:<port>:
    // another site, so the browser never sends the CMS's cookie with the tracker's requests.
    const cmsOrigin = baseUrl;
    const site = http.createServer((request, response) => {
      response.setHeader('Content-Type', 'text/html');
      response.end(`<!doctype html><title>Shop ${request.url}</title><body>
        <script src="${cmsOrigin}/api/personalization/tracker.js" data-endpoint="${cmsOrigin}/api/personalization" async></script></body>`);
    });
    await new Promise<void>((resolve) => site.listen(0, '127.0.0.1', resolve));
    const siteOrigin = `http://localhost:${(site.address() as AddressInfo).port}`;
    const context = await browser.newContext({ userAgent: BROWSER_UA });
    try {
      const page = await context.newPage();
      const answers: { visitorId: string; visitorToken?: string }[] = [];
      for (const path of ['/first', '/second', '/third']) {
        const answered = page.waitForResponse((response) => response.url().endsWith('/api/personalization/events'));
        await page.goto(`${siteOrigin}${path}`);
        const response = await answered;
        expect(response.status()).toBe(202);
        answers.push((await response.json()).data);
      }
      expect(new Set(answers.map((answer) => answer.visitorId)).size).toBe(1);
      expect(await redis.client.hget(`psn:{v:${answers[0].visitorId}}:p`, 'pv')).toBe('3');
      expect(await page.evaluate(() => localStorage.getItem('psn_tok'))).toBe(answers[0].visitorToken);
    } finally {
      await context.close();
      await new Promise((resolve) => site.close(resolve));
    }
  });

  it('sends nothing when the browser signals Global Privacy Control', async () => {
    const context = await browser.newContext({ userAgent: BROWSER_UA });
    await context.addInitScript(() => Object.defineProperty(navigator, 'globalPrivacyControl', { value: true }));
    const page = await context.newPage();
    let sent = 0;
    page.on('request', (request) => {
      if (request.url().includes('/api/personalization/events')) sent += 1;
    });
    await page.goto(`${baseUrl}/tracker-test.html`);
    await page.click('#cta');
    await page.waitForTimeout(1500);
    await flush(page);
    expect(sent).toBe(0);
    expect(await visitorCookie(context)).toBeUndefined();
    await context.close();
  });
});
