/**
 * The browser tracker, served by the plugin at /api/personalization/tracker.js:
 *
 *   <script src="https://cms.example.com/api/personalization/tracker.js"
 *           data-endpoint="https://cms.example.com/api/personalization" async></script>
 *
 * It batches events and sends them as `text/plain` (a CORS "simple" request, and what sendBeacon
 * sends), with a messageId each so retries are counted once. No dependencies; keep it small: the
 * budget is 4 KB gzipped.
 */

interface ServerConfig {
  /** The site's consent mode (injected by the server when it serves this file). */
  consent: 'opt-out' | 'opt-in' | 'none';
  honorBrowserSignals: boolean;
  /** Visible seconds on a page at which a `Dwell Time` heartbeat is sent at once (dwell triggers). */
  dwellHeartbeatsSec?: number[];
}

type Props = Record<string, unknown>;

interface TrackerEvent {
  type: 'page' | 'track' | 'identify';
  event?: string;
  name?: string;
  category?: string;
  action?: string;
  label?: string;
  properties?: Props;
  traits?: Props;
  userId?: string;
  userHash?: string;
  context: Props;
  timestamp: string;
  messageId: string;
}

declare global {
  interface Window {
    psn?: unknown;
    dataLayer?: unknown[];
    __psnConfig?: ServerConfig;
  }
}

const win = window;
const doc = document;
const nav = navigator as Navigator & { globalPrivacyControl?: boolean };
const script = doc.currentScript as HTMLScriptElement | null;
const data = script?.dataset ?? {};
const server: ServerConfig = win.__psnConfig ?? { consent: 'opt-out', honorBrowserSignals: true };
const base = (data.endpoint ?? '/api/personalization').replace(/\/$/, '');
const MAX_BATCH = 20;
const MAX_QUEUE = 200;
const QUEUE_KEY = 'psn_q';
const DWELL = 'Dwell Time';
const SCROLL = 'Scroll Depth';
const CONSENT_KEY = 'psn_consent';
/** The visitor's credential (`<id>.<mac>`) from the server's last answer. */
const TOKEN_KEY = 'psn_tok';
/** A random secret sent until the first answer brings a credential (identity/visitor-key.ts). */
const VISITOR_KEY = 'psn_key';

const storage = {
  get(key: string): string | null {
    try {
      return localStorage.getItem(key);
    } catch {
      return null;
    }
  },
  set(key: string, value: string | null) {
    try {
      if (value === null) localStorage.removeItem(key);
      else localStorage.setItem(key, value);
    } catch {
      // storage unavailable (private mode, quota): keep going without it
    }
  },
};

const signalsRefuse =
  data.respectDnt !== 'false' && server.honorBrowserSignals && (nav.doNotTrack === '1' || nav.globalPrivacyControl === true);

const consentChoice = () => storage.get(CONSENT_KEY);
const enabled = () => {
  const choice = consentChoice();
  if (choice) return choice === '1';
  return server.consent !== 'opt-in' && !signalsRefuse;
};

/** 128 random bits as hex (getRandomValues works on plain http too, unlike randomUUID). */
const randomHex = () => Array.from(crypto.getRandomValues(new Uint8Array(16)), (byte) => byte.toString(16).padStart(2, '0')).join('');
const uuid = () => crypto.randomUUID?.() ?? randomHex();

let queue: TrackerEvent[] = (() => {
  try {
    return JSON.parse(storage.get(QUEUE_KEY) ?? '[]') as TrackerEvent[];
  } catch {
    return [];
  }
})();
const save = () => storage.set(QUEUE_KEY, queue.length ? JSON.stringify(queue.slice(-MAX_QUEUE)) : null);

const api = {
  visitorId: null as string | null,
  segments: [] as string[],
  track,
  page,
  identify,
  consent,
  flush,
  recommend,
};

const campaign = () => {
  const params = new URLSearchParams(location.search);
  const utm: Props = {};
  for (const key of ['source', 'medium', 'term', 'content']) {
    const value = params.get(`utm_${key}`);
    if (value) utm[key] = value;
  }
  const name = params.get('utm_campaign');
  if (name) utm.name = name;
  return Object.keys(utm).length ? utm : undefined;
};

/** The entry a page shows, from `<body data-psn-entry="api::movie.movie:<documentId>">`. */
const entryProps = (): Props => {
  const entry = doc.body?.dataset.psnEntry ?? '';
  const split = entry.lastIndexOf(':');
  const topics = doc.body?.dataset.psnTopics;
  return {
    ...(split > 0 ? { contentType: entry.slice(0, split), documentId: entry.slice(split + 1) } : {}),
    ...(topics ? { topics: topics.split('|') } : {}),
  };
};

/** The current page view's entry, and whether the visitor did anything on the page (for bounces). */
let pageEntry: Props = {};
let interacted = false;

const context = (): Props => ({
  page: { url: location.href, path: location.pathname, title: doc.title, referrer: doc.referrer },
  locale: nav.language,
  campaign: campaign(),
});

function enqueue(event: Omit<TrackerEvent, 'context' | 'timestamp' | 'messageId'>) {
  if (!enabled()) return;
  queue.push({ ...event, context: context(), timestamp: new Date().toISOString(), messageId: uuid() });
  if (queue.length > MAX_QUEUE) queue = queue.slice(-MAX_QUEUE);
  save();
  if (queue.length >= MAX_BATCH) void flush();
  else schedule(5000);
}

function track(name: string, properties: Props = {}) {
  // Any event but the tracker's own reading reports means the visitor did something here.
  if (name !== DWELL && name !== SCROLL) interacted = true;
  const { category, action, label, ...rest } = properties;
  enqueue({
    type: 'track',
    event: name,
    ...(typeof category === 'string' ? { category } : {}),
    ...(typeof action === 'string' ? { action } : {}),
    ...(typeof label === 'string' ? { label } : {}),
    properties: { ...entryProps(), ...rest },
  });
}

function page(name?: string, properties: Props = {}) {
  const props = { ...entryProps(), ...properties };
  // The entry this page view shows, for its leave report (a SPA may have changed the DOM by then).
  pageEntry = { contentType: props.contentType, documentId: props.documentId, topics: props.topics };
  enqueue({ type: 'page', ...(name ? { name } : {}), properties: props });
}

/** `userHash`: HMAC-SHA256 of the user id under the identity secret, from the site's backend (the proof). */
function identify(userId: string, traits: Props = {}, options: { userHash?: string } = {}) {
  enqueue({ type: 'identify', userId, traits, ...(options.userHash ? { userHash: options.userHash } : {}) });
  void flush();
}

async function consent(granted: boolean) {
  storage.set(CONSENT_KEY, granted ? '1' : '0');
  const visitorToken = storage.get(TOKEN_KEY) ?? undefined;
  if (!granted) {
    queue = [];
    save();
    storage.set(TOKEN_KEY, null);
    storage.set(VISITOR_KEY, null);
    api.visitorId = null;
  }
  const response = await fetch(`${base}/consent`, {
    method: 'POST',
    credentials: 'include',
    headers: { 'Content-Type': 'text/plain' },
    body: JSON.stringify({ analytics: granted, visitorToken }),
  }).catch(() => undefined);
  if (granted) {
    const result = (await response?.json().catch(() => ({}))) as { data?: { visitorToken?: string } } | undefined;
    if (result?.data?.visitorToken) storage.set(TOKEN_KEY, result.data.visitorToken);
    page();
  }
}

interface RecommendOptions {
  contentType: string;
  limit?: number;
  /** Entries related to this documentId rather than to the visitor's history. */
  for?: string;
  strategy?: string;
  locale?: string;
  includeViewed?: boolean;
}

/**
 * Recommended entries for this visitor: `{ data, meta: { recommendations, strategy } }`, as
 * `GET /recommendations` answers. Render them inside `data-psn-recommendation="<strategy>"` so
 * that clicks on them count as that strategy's click-through.
 */
async function recommend(options: RecommendOptions): Promise<unknown> {
  const params = new URLSearchParams();
  for (const [key, value] of Object.entries(options)) if (value !== undefined) params.set(key, String(value));
  const visitorToken = storage.get(TOKEN_KEY);
  const response = await fetch(`${base}/recommendations?${params}`, {
    credentials: 'include',
    headers: visitorToken && enabled() ? { 'X-Visitor-Token': visitorToken } : {},
  });
  return response.json();
}

let timer: ReturnType<typeof setTimeout> | undefined;
let backoff = 1000;
let sending = false;

/** Flush after `delay`; an earlier pending flush wins unless `replace` (a retry sets its own time). */
function schedule(delay: number, replace = false) {
  if (timer && !replace) return;
  clearTimeout(timer);
  timer = setTimeout(() => ((timer = undefined), void flush()), delay);
}

/**
 * Every batch says who sends it, for a CMS on another domain (whose cookie the browser may not
 * send): the credential from the last answer, or, before there is one, the visitor key, so that a
 * first batch whose answer was lost (or sent by fetch and beacon at once) lands on one visitor.
 */
const body = (events: TrackerEvent[]) => {
  const visitorToken = storage.get(TOKEN_KEY);
  if (visitorToken) return JSON.stringify({ visitorToken, events });
  let visitorKey = storage.get(VISITOR_KEY);
  if (!visitorKey) storage.set(VISITOR_KEY, (visitorKey = randomHex()));
  return JSON.stringify({ visitorKey, events });
};

/** Sends queued events in batches; failures go back to the queue and retry with backoff. */
async function flush(): Promise<void> {
  if (sending || !queue.length || !enabled()) return;
  sending = true;
  const batch = queue.slice(0, MAX_BATCH);
  try {
    const response = await fetch(`${base}/events`, {
      method: 'POST',
      credentials: 'include',
      keepalive: true,
      headers: { 'Content-Type': 'text/plain' },
      body: body(batch),
    });
    if (response.status >= 500 || response.status === 429) throw new Error(String(response.status));
    // Delivered, or refused as invalid (retrying would not help): either way it leaves the queue.
    queue = queue.filter((event) => !batch.includes(event));
    save();
    backoff = 1000;
    const result = (await response.json().catch(() => ({}))) as {
      data?: { visitorId?: string; visitorToken?: string; segments?: string[]; actions?: { trigger: string }[] };
    };
    if (result.data?.visitorId) {
      api.visitorId = result.data.visitorId;
      api.segments = result.data.segments ?? [];
      if (result.data.visitorToken) {
        storage.set(TOKEN_KEY, result.data.visitorToken);
        storage.set(VISITOR_KEY, null);
      }
      win.dispatchEvent(new CustomEvent('psn:segments', { detail: { visitorId: api.visitorId, segments: api.segments } }));
    }
    // Triggers that fired on these events: the page renders them (`addEventListener('psn:trigger', ...)`).
    for (const action of result.data?.actions ?? []) win.dispatchEvent(new CustomEvent('psn:trigger', { detail: action }));
    if (queue.length) schedule(0);
  } catch {
    schedule(backoff, true);
    backoff = Math.min(backoff * 2, 60_000);
  } finally {
    sending = false;
  }
}

/** On page hide: hand the queue to sendBeacon, which survives the page being unloaded. */
function beacon() {
  if (!enabled()) return;
  while (queue.length && navigator.sendBeacon?.(`${base}/events`, new Blob([body(queue.slice(0, MAX_BATCH))], { type: 'text/plain' }))) {
    queue = queue.slice(MAX_BATCH);
  }
  save();
}

// Dwell: visible time on the current page, reported when it is hidden or left, and at once when it
// passes a heartbeat (30 s, 60 s, 180 s by default), so that a dwell trigger acts while the visitor
// is still reading. `seconds`: since the last report (the profile sums them); `total`: on this page.
// The report sent when the page is left (page hide, SPA navigation) is sent even with 0 new seconds
// and says `left: true`, whether the visitor `interacted`, and the page view's entry: the server
// counts a quick untouched leave as a bounce (server/src/ingest/bounce.ts).
let visibleSince = doc.visibilityState === 'visible' ? Date.now() : 0;
let visibleMs = 0;
let pageVisibleMs = 0;
let heartbeatsSent = 0;
let pageLeft = false;
const heartbeats = [...(server.dwellHeartbeatsSec ?? [])].sort((a, b) => a - b);
const reportDwell = (leaving = false) => {
  if (visibleSince) visibleMs += Date.now() - visibleSince;
  visibleSince = doc.visibilityState === 'visible' && !leaving ? Date.now() : 0;
  const seconds = Math.round(visibleMs / 1000);
  pageVisibleMs += visibleMs;
  visibleMs = 0;
  const total = Math.round(pageVisibleMs / 1000);
  if (leaving && !pageLeft) {
    pageLeft = true;
    track(DWELL, { seconds, total, left: true, interacted, ...pageEntry });
  } else if (seconds > 0) track(DWELL, { seconds, total });
};
const checkHeartbeat = () => {
  const total = pageVisibleMs + visibleMs + (visibleSince ? Date.now() - visibleSince : 0);
  const due = heartbeats[heartbeatsSent];
  if (due === undefined || total < due * 1000) return;
  while (heartbeats[heartbeatsSent] !== undefined && total >= heartbeats[heartbeatsSent] * 1000) heartbeatsSent += 1;
  reportDwell();
  void flush();
};

// Scroll depth: the 25/50/75/100 % marks of the current page, each once.
let depthReached = 0;
const checkScroll = (byVisitor?: Event) => {
  const height = doc.documentElement.scrollHeight;
  const depth = height > 0 ? ((scrollY + innerHeight) / height) * 100 : 100;
  const mark = [100, 75, 50, 25].find((threshold) => depth >= threshold - 0.5) ?? 0;
  if (mark > depthReached) {
    // A mark reached by scrolling (not one a short page shows at load) is an interaction.
    if (byVisitor) interacted = true;
    track(SCROLL, { depth: mark, previous: depthReached });
    depthReached = mark;
  }
};

let currentPath = location.pathname + location.search;
const onNavigation = () => {
  const path = location.pathname + location.search;
  if (path === currentPath) return;
  reportDwell(true);
  currentPath = path;
  depthReached = 0;
  pageVisibleMs = 0;
  heartbeatsSent = 0;
  pageLeft = interacted = false;
  visibleSince = doc.visibilityState === 'visible' ? Date.now() : 0;
  page();
  setTimeout(checkScroll, 500);
};

const attribute = (element: Element, name: string) => element.getAttribute(`data-psn-${name}`) ?? undefined;
const text = (element: Element) => (element.textContent ?? '').trim().slice(0, 100);

const onClick = (domEvent: Event) => {
  const element = (domEvent.target as Element | null)?.closest?.('[data-psn-event],[data-psn-category],a,button');
  if (!element) return;
  // A click inside an entry rendered with a variant (`data-psn-variant`, from
  // meta.personalization.variants) counts as that variant's click-through.
  const variant = element.closest('[data-psn-variant]')?.getAttribute('data-psn-variant') || undefined;
  // Inside a list rendered from psn.recommend(): that strategy's click-through (and the goal an
  // experiment on strategies counts).
  const recommendation = element.closest('[data-psn-recommendation]')?.getAttribute('data-psn-recommendation');
  if (recommendation) {
    track('Recommendation Clicked', { recommendation, label: text(element), href: (element as HTMLAnchorElement).href });
    return;
  }
  const category = attribute(element, 'category');
  if (attribute(element, 'event') || category) {
    track(attribute(element, 'event') ?? 'Element Clicked', {
      category,
      action: attribute(element, 'action') ?? 'click',
      label: attribute(element, 'label') ?? text(element),
      variant,
    });
  } else if (element.tagName === 'A') {
    track('Link Clicked', { href: (element as HTMLAnchorElement).href, label: text(element), variant });
  } else {
    track('Button Clicked', { label: text(element), variant });
  }
};

const VIDEO_EVENTS: Record<string, [string, string]> = {
  play: ['Video Playback Started', 'play'],
  pause: ['Video Playback Paused', 'pause'],
  ended: ['Video Playback Completed', 'complete'],
};
const onVideo = (domEvent: Event) => {
  const video = domEvent.target as HTMLVideoElement;
  if (video.tagName !== 'VIDEO') return;
  // A pause at the very end precedes 'ended'; count only the completion.
  if (domEvent.type === 'pause' && video.ended) return;
  const [name, action] = VIDEO_EVENTS[domEvent.type];
  track(name, {
    category: 'video',
    action,
    label: attribute(video, 'label') ?? video.currentSrc.split('/').pop(),
    position: Math.round(video.currentTime),
    duration: Math.round(video.duration) || undefined,
  });
};

const focusedFields = new Set<string>();
const onFocus = (domEvent: Event) => {
  const field = domEvent.target as HTMLInputElement;
  if (!/^(INPUT|SELECT|TEXTAREA)$/.test(field.tagName) || field.type === 'password') return;
  const form = field.form?.getAttribute('name') ?? field.form?.id ?? '';
  const key = `${currentPath}|${form}|${field.name || field.id}`;
  if (focusedFields.has(key)) return;
  focusedFields.add(key);
  // The field's name only: never its value.
  track('Form Field Focused', { category: 'form', action: 'focus', label: field.name || field.id, form });
};

const hoverStarts = new WeakMap<Element, number>();
const onHover = (domEvent: Event) => {
  const element = (domEvent.target as Element | null)?.closest?.('[data-psn-hover]');
  if (!element) return;
  if (domEvent.type === 'mouseover') {
    if (!hoverStarts.has(element)) hoverStarts.set(element, Date.now());
    return;
  }
  if ((domEvent as MouseEvent).relatedTarget && element.contains((domEvent as MouseEvent).relatedTarget as Node)) return;
  const ms = Date.now() - (hoverStarts.get(element) ?? Date.now());
  hoverStarts.delete(element);
  if (ms >= 500) track('Element Hovered', { category: 'hover', action: 'hover', label: attribute(element, 'hover'), ms });
};

/** `dataLayer.push({ event: 'Signup', ... })` also becomes a track event (GTM's own events aside). */
const mirrorDataLayer = () => {
  const layer = (win.dataLayer = win.dataLayer ?? []);
  const forward = (entry: unknown) => {
    if (entry && typeof entry === 'object' && !Array.isArray(entry)) {
      const { event, ...rest } = entry as Props;
      if (typeof event === 'string' && !event.startsWith('gtm.')) track(event, rest);
    }
  };
  layer.forEach(forward);
  const push = layer.push.bind(layer);
  layer.push = (...entries: unknown[]) => {
    entries.forEach(forward);
    return push(...entries);
  };
};

const start = () => {
  // Calls made before the script loaded: `window.psn = window.psn || []; psn.push(['track', ...])`.
  const pending = Array.isArray(win.psn) ? (win.psn as [keyof typeof api, ...unknown[]][]) : [];
  win.psn = api;
  for (const fn of ['pushState', 'replaceState'] as const) {
    const original = history[fn].bind(history);
    history[fn] = (...args: Parameters<History['pushState']>) => {
      original(...args);
      onNavigation();
    };
  }
  addEventListener('popstate', onNavigation);
  addEventListener('scroll', checkScroll, { passive: true });
  doc.addEventListener('click', onClick, true);
  for (const type of Object.keys(VIDEO_EVENTS)) doc.addEventListener(type, onVideo, true);
  doc.addEventListener('focusin', onFocus, true);
  for (const type of ['click', 'keydown', 'input']) doc.addEventListener(type, () => (interacted = true), true);
  doc.addEventListener('mouseover', onHover, true);
  doc.addEventListener('mouseout', onHover, true);
  doc.addEventListener('visibilitychange', () => {
    if (doc.visibilityState === 'hidden') {
      reportDwell();
      beacon();
    } else {
      visibleSince = Date.now();
    }
  });
  addEventListener('pagehide', () => {
    reportDwell(true);
    beacon();
  });
  mirrorDataLayer();
  if (data.autoPage !== 'false') page();
  for (const [method, ...args] of pending) (api[method] as (...rest: unknown[]) => unknown)?.(...args);
  setTimeout(checkScroll, 500);
  if (heartbeats.length) setInterval(checkHeartbeat, 1000);
  void flush();
};

start();

export {};
