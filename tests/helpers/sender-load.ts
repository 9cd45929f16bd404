import { randomUUID } from 'crypto';
import { sumCounts, TRACKED_EVENT, type EventCounts } from './event-counts';
import { BROWSER_UA, visitorId } from './events';
import { sleep } from './wait-for';

export interface SenderLoadOptions {
  /** Base URL of a Strapi instance, or a function giving the current one (an instance being restarted). */
  url: string | (() => string);
  visitors: number;
  /** The credential a visitor's batches are sent with (a browser's `X-Visitor-Token`). */
  credentialOf(visitorId: string): string;
  /** Share of accepted batches whose answer the sender pretends it lost, and so sends again. */
  loseAnswers?: number;
  /** How long a sender keeps retrying one batch before it gives up (and says so in `answers.other`). */
  giveUpMs?: number;
}

/** What the senders were answered, over all attempts. */
export interface SenderAnswers {
  accepted: number;
  unavailable: number;
  unavailableWithoutRetryAfter: number;
  /** Requests that got no answer at all (connection refused or reset: an instance going away). */
  noAnswer: number;
  resentAfterLostAnswer: number;
  /** Batches answered 503 (or not at all) and then, sent again, found already stored: their write had landed. */
  storedDespiteFailure: number;
  /** Anything else: a status other than 202 and 503, a re-sent batch not all duplicates, a batch given up. */
  other: string[];
}

/**
 * Senders that behave as the README asks of them under faults: one per visitor, sending batches of
 * two page views and two `Clip Played` events with unique messageIds, one after another; each batch
 * is sent until it is answered 202, again after a 503 (sooner than its Retry-After, to keep tests
 * short) or no answer at all, with the same messageIds. Some accepted batches are sent again as if
 * their answer had been lost. `sent()` says how many distinct events of each kind went out per visitor.
 */
export class SenderLoad {
  readonly answers: SenderAnswers = { accepted: 0, unavailable: 0, unavailableWithoutRetryAfter: 0, noAnswer: 0, resentAfterLostAnswer: 0, storedDespiteFailure: 0, other: [] };
  private readonly counts = new Map<string, EventCounts>();
  private running = false;
  private loops: Promise<void>[] = [];

  constructor(private readonly options: SenderLoadOptions) {}

  private url(): string {
    return typeof this.options.url === 'string' ? this.options.url : this.options.url();
  }

  start(): void {
    this.running = true;
    this.loops = Array.from({ length: this.options.visitors }, () => this.visitorLoop(visitorId()));
  }

  /** Stops starting batches; resolves once every batch started has been accepted (or given up). */
  async stop(): Promise<void> {
    this.running = false;
    await Promise.all(this.loops);
  }

  /** Distinct events sent per visitor, by kind: what its profile should count. */
  sent(): Map<string, EventCounts> {
    return this.counts;
  }

  /** Distinct events sent by all senders, by kind: what the site-wide counts should add up to. */
  totals(): EventCounts {
    return sumCounts(this.counts.values());
  }

  private async visitorLoop(id: string): Promise<void> {
    const counts = { pages: 0, tracks: 0 };
    this.counts.set(id, counts);
    while (this.running) {
      const events = [
        { type: 'page', messageId: randomUUID() },
        { type: 'track', event: TRACKED_EVENT, messageId: randomUUID() },
        { type: 'page', messageId: randomUUID() },
        { type: 'track', event: TRACKED_EVENT, messageId: randomUUID() },
      ];
      counts.pages += 2;
      counts.tracks += 2;
      await this.deliver(id, events);
      if (Math.random() < (this.options.loseAnswers ?? 0)) {
        this.answers.resentAfterLostAnswer += 1;
        const again = await this.deliver(id, events);
        if (again && (again.accepted !== 0 || again.duplicates !== events.length)) this.answers.other.push(`re-sent batch answered ${JSON.stringify(again)}`);
      }
      await sleep(20);
    }
  }

  /** Sends one batch until it is accepted; its answer's counts, or null when given up. */
  private async deliver(id: string, events: object[]): Promise<{ accepted: number; duplicates: number } | null> {
    const started = Date.now();
    let failed = false;
    while (Date.now() - started < (this.options.giveUpMs ?? 60_000)) {
      let response: Response;
      try {
        response = await fetch(`${this.url()}/api/personalization/events`, {
          method: 'POST',
          headers: { 'Content-Type': 'application/json', 'User-Agent': BROWSER_UA, 'X-Visitor-Token': this.options.credentialOf(id) },
          body: JSON.stringify({ events }),
        });
      } catch {
        failed = true;
        this.answers.noAnswer += 1;
        await sleep(250);
        continue;
      }
      const body = (await response.json().catch(() => ({}))) as { data?: { accepted: number; duplicates: number } };
      if (response.status === 202 && body.data) {
        this.answers.accepted += 1;
        if (failed && body.data.duplicates > 0) this.answers.storedDespiteFailure += 1;
        return body.data;
      }
      if (response.status === 503) {
        failed = true;
        this.answers.unavailable += 1;
        if (!response.headers.get('retry-after')) this.answers.unavailableWithoutRetryAfter += 1;
        await sleep(250);
        continue;
      }
      this.answers.other.push(`${response.status} ${JSON.stringify(body)}`);
      return null;
    }
    this.answers.other.push(`a batch of ${id} gave up after ${this.options.giveUpMs ?? 60_000} ms`);
    return null;
  }
}
