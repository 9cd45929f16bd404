import { randomUUID } from 'crypto';
import http from 'http';
import { performance } from 'perf_hooks';
import { sumCounts, TRACKED_EVENT, type EventCounts } from './event-counts';
import { BROWSER_UA } from './events';
import { sleep } from './wait-for';

/** The plugin's ingest endpoint: where batches go unless `path` says otherwise. */
const EVENTS_PATH = '/api/personalization/events';

export interface SoakOptions {
  /** Base URL of the Strapi instance. */
  url: string;
  /**
   * Where the batches go (default the plugin's events endpoint). Another route (the benchmark's no-op
   * POST, Strapi's own floor) is only timed: its answers carry no counts.
   */
  path?: string;
  /** The visitors' ids; batches go to them in turn. */
  visitors: readonly string[];
  /** The credential a visitor's batches carry (`X-Visitor-Token`), as a browser's tracker sends it. */
  credentialOf(visitorId: string): string;
  /** Batches started per second, on a schedule: a slow answer does not delay the next batch. */
  batchesPerSecond: number;
  durationMs: number;
  /** Requests under way at once, at most; a batch due while they are all busy waits for one. */
  maxInFlight: number;
  /** Share of requests whose answer is dropped on purpose: sent whole, then the socket closed unread. */
  dropAnswers: number;
  /** Events per batch, drawn evenly from this range (page views and `Clip Played` tracks). */
  eventsPerBatch?: [min: number, max: number];
  /** Wait before a batch is sent again after a 503, a dropped answer or no answer (default 100 ms). */
  retryDelayMs?: number;
  /** How long one batch is retried before it is given up (and reported in `other`). */
  giveUpMs?: number;
}

export interface SoakReport {
  /** Distinct events sent per visitor: what every counter must add up to. */
  sent: Map<string, EventCounts>;
  batches: number;
  requests: { answered: number; unavailable: number; dropped: number; noAnswer: number };
  /** The answers' own counts, summed over 202s: events accepted, events skipped as duplicates. */
  answered: { accepted: number; duplicates: number };
  /**
   * Events in requests whose fate is unknown (answer dropped, no answer, or a 503, whose write may
   * still have landed): the server may have counted each as accepted or duplicate, or not at all.
   */
  uncertainEvents: number;
  /** Milliseconds from when each answered request was due (scheduled, or its retry delay over) to its answer. */
  latenciesMs: number[];
  /** For each of `latenciesMs`: whether that request opened a new connection (none of the pool's was free). */
  onNewConnection: boolean[];
  /** Requests that waited for a free slot (`maxInFlight`): the schedule ran ahead of the server. */
  waitedForSlot: number;
  /** Wall time from the first batch to the last answer, and the time the schedule covered. */
  elapsedMs: number;
  scheduledMs: number;
  /** Anything else: another status, a batch given up. Empty in a good run. */
  other: string[];
}

type Answer = { status: number; body: string; newConnection: boolean } | 'dropped' | 'no answer';

/** Requests under way at once, at most `max`; the rest wait their turn in order. */
class Slots {
  private busy = 0;
  private readonly waiting: (() => void)[] = [];
  constructor(private readonly max: number) {}
  /** Resolves once a slot is taken; says whether it had to wait. */
  async take(): Promise<boolean> {
    if (this.busy < this.max) {
      this.busy += 1;
      return false;
    }
    await new Promise<void>((resolve) => this.waiting.push(resolve));
    return true;
  }
  give(): void {
    const next = this.waiting.shift();
    if (next) next();
    else this.busy -= 1;
  }
}

/** One POST; `drop`: close the socket once the request is written, without reading the answer. */
const post = (agent: http.Agent, url: URL, headers: Record<string, string>, body: string, drop: boolean): Promise<Answer> =>
  new Promise((resolve) => {
    let settled = false;
    const settle = (answer: Answer) => {
      if (!settled) resolve(answer);
      settled = true;
    };
    const request = http.request(url, { method: 'POST', agent, headers: { ...headers, 'Content-Length': String(Buffer.byteLength(body)) } });
    request.on('error', () => settle(drop ? 'dropped' : 'no answer'));
    if (drop) {
      // 'finish': the whole request is with the operating system, on its way to the server.
      request.on('finish', () => {
        request.destroy();
        settle('dropped');
      });
    } else {
      request.on('response', (response) => {
        const chunks: Buffer[] = [];
        response.on('data', (chunk: Buffer) => chunks.push(chunk));
        response.on('end', () => settle({ status: response.statusCode ?? 0, body: Buffer.concat(chunks).toString('utf8'), newConnection: !request.reusedSocket }));
        response.on('error', () => settle('no answer'));
      });
    }
    request.end(body);
  });

/** A batch of `size` events with fresh messageIds, alternating page views and tracks. */
const batchOf = (size: number) => {
  const events = Array.from({ length: size }, (_, i) =>
    i % 2 === 0
      ? { type: 'page', messageId: randomUUID(), context: { page: { url: 'https://example.com/movies/42', path: '/movies/42' } } }
      : { type: 'track', event: TRACKED_EVENT, messageId: randomUUID(), properties: { position: i } }
  );
  return { body: JSON.stringify({ events }), counts: { pages: Math.ceil(size / 2), tracks: Math.floor(size / 2) } };
};

/** What both kinds of run need: where to send, to whom, and how senders behave. */
export type SenderOptions = Pick<SoakOptions, 'url' | 'path' | 'visitors' | 'credentialOf' | 'maxInFlight' | 'dropAnswers' | 'eventsPerBatch' | 'retryDelayMs' | 'giveUpMs'>;

/**
 * Sends batches as the README asks of senders: each until it is answered 202, again with the same
 * messageIds after a 503, no answer, or an answer dropped on purpose (`dropAnswers` of all
 * requests). Latencies are taken from when a request was due, so time spent waiting for a slot
 * counts (no coordinated omission).
 */
const sender = (options: SenderOptions) => {
  const url = new URL(options.path ?? EVENTS_PATH, options.url);
  const countsInAnswers = url.pathname === EVENTS_PATH;
  const agent = new http.Agent({ keepAlive: true, maxSockets: options.maxInFlight });
  const slots = new Slots(options.maxInFlight);
  const [minEvents, maxEvents] = options.eventsPerBatch ?? [1, 10];
  const report: SoakReport = {
    sent: new Map(options.visitors.map((id) => [id, { pages: 0, tracks: 0 }])),
    batches: 0,
    requests: { answered: 0, unavailable: 0, dropped: 0, noAnswer: 0 },
    answered: { accepted: 0, duplicates: 0 },
    uncertainEvents: 0,
    latenciesMs: [],
    onNewConnection: [],
    waitedForSlot: 0,
    elapsedMs: 0,
    scheduledMs: 0,
    other: [],
  };

  /** The `index`-th batch (to visitors in turn), due at `dueAt` (performance.now()); resolves once it is settled. */
  const deliver = async (index: number, dueAt: number): Promise<void> => {
    const visitor = options.visitors[index % options.visitors.length];
    const size = minEvents + Math.floor(Math.random() * (maxEvents - minEvents + 1));
    const batch = batchOf(size);
    const sent = report.sent.get(visitor)!;
    sent.pages += batch.counts.pages;
    sent.tracks += batch.counts.tracks;
    report.batches += 1;
    const headers = { 'Content-Type': 'application/json', 'User-Agent': BROWSER_UA, 'X-Visitor-Token': options.credentialOf(visitor) };
    const firstDue = dueAt;
    for (;;) {
      if (await slots.take()) report.waitedForSlot += 1;
      const answer = await post(agent, url, headers, batch.body, Math.random() < options.dropAnswers);
      slots.give();
      if (answer === 'dropped' || answer === 'no answer') {
        report.requests[answer === 'dropped' ? 'dropped' : 'noAnswer'] += 1;
        report.uncertainEvents += size;
      } else {
        report.latenciesMs.push(performance.now() - dueAt);
        report.onNewConnection.push(answer.newConnection);
        report.requests.answered += 1;
        if (answer.status === 202) {
          if (!countsInAnswers) return;
          const { data } = JSON.parse(answer.body) as { data: { accepted: number; duplicates: number } };
          report.answered.accepted += data.accepted;
          report.answered.duplicates += data.duplicates;
          return;
        }
        if (answer.status !== 503) {
          report.other.push(`${answer.status} ${answer.body.slice(0, 200)}`);
          return;
        }
        report.requests.unavailable += 1;
        report.uncertainEvents += size;
      }
      if (performance.now() - firstDue > (options.giveUpMs ?? 60_000)) {
        report.other.push(`a batch of ${visitor} given up after ${options.giveUpMs ?? 60_000} ms`);
        return;
      }
      await sleep(options.retryDelayMs ?? 100);
      dueAt = performance.now();
    }
  };
  return { report, deliver, close: () => agent.destroy() };
};

/**
 * An open-loop soak of the ingest endpoint: batches start on a fixed schedule (`batchesPerSecond`),
 * whatever the answers take, from many visitors in turn, with at most `maxInFlight` requests under
 * way; the plugin must count each event once, however often it was sent.
 */
export const runSoak = async (options: SoakOptions): Promise<SoakReport> => {
  const { report, deliver, close } = sender(options);
  const started = performance.now();
  const total = Math.round((options.batchesPerSecond * options.durationMs) / 1000);
  const interval = 1000 / options.batchesPerSecond;
  const deliveries: Promise<void>[] = [];
  // Every few milliseconds, start the batches whose time has come (timers cannot fire each 0.5 ms).
  for (let next = 0; next < total; ) {
    const now = performance.now();
    for (; next < total && started + next * interval <= now; next++) deliveries.push(deliver(next, started + next * interval));
    await sleep(2);
  }
  report.scheduledMs = performance.now() - started;
  await Promise.all(deliveries);
  report.elapsedMs = performance.now() - started;
  close();
  return report;
};

/**
 * A closed loop: `maxInFlight` senders, each sending its next batch as soon as the last is settled,
 * for `durationMs`. With one sender, the requests one at a time (latency unloaded); with several,
 * as many as the server takes (its capacity).
 */
export const runClosedLoop = async (options: SenderOptions & { durationMs: number }): Promise<SoakReport> => {
  const { report, deliver, close } = sender(options);
  const started = performance.now();
  let next = 0;
  const loop = async () => {
    while (performance.now() - started < options.durationMs) await deliver(next++, performance.now());
  };
  await Promise.all(Array.from({ length: options.maxInFlight }, loop));
  report.elapsedMs = report.scheduledMs = performance.now() - started;
  close();
  return report;
};

/** The `p`-th percentile (0 to 100) of `values`, nearest rank. */
export const percentile = (values: readonly number[], p: number): number => {
  if (values.length === 0) return NaN;
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1))];
};

/**
 * What the site-wide duplicates counter may hold after a run: at least the duplicates the answers
 * reported; at most that plus the uncertain events beyond those the answers leave unaccounted for
 * (events accepted by requests whose answer never came).
 */
export const duplicatesRange = (report: SoakReport): [min: number, max: number] => {
  const { pages, tracks } = sumCounts(report.sent.values());
  const acceptedUnanswered = pages + tracks - report.answered.accepted;
  return [report.answered.duplicates, report.answered.duplicates + report.uncertainEvents - acceptedUnanswered];
};
