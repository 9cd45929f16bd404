import { randomUUID } from 'crypto';
import type { StatsCounts, StatsFlush } from '../analytics/store/analytics-store';
import { FlushLoop } from '../shared/flush-loop';

export interface StatsSink {
  /** Adds a day's counts, once per flush (`flush.seq` of this writer), however often it is sent. */
  counts(day: number, counts: StatsCounts, flush: StatsFlush): Promise<void>;
  activeVisitors(day: number, visitorIds: string[]): Promise<void>;
  seenNames(family: string, names: string[]): Promise<void>;
}

/** What one flush writes: counters per day, active visitors per day, names seen per family. */
interface StatsBatch {
  seq: number;
  counts: Map<number, StatsCounts>;
  active: Map<number, Set<string>>;
  names: Map<string, Set<string>>;
}

export interface StatsBufferOptions {
  flushMs: number;
  /** Visitor ids waiting to join the days' active visitors; beyond, new ones are dropped and counted. */
  maxActive: number;
  /** Told how many entries were dropped, each time some are. */
  onDropped?: (count: number) => void;
  clock?: () => number;
}

/** Names per family remembered as already written, so each is sent about once per process. */
const MAX_SEEN_PER_FAMILY = 1_000;

const emptyBatch = (seq = 0): StatsBatch => ({ seq, counts: new Map(), active: new Map(), names: new Map() });

const setIn = <K>(map: Map<K, Set<string>>, key: K): Set<string> => {
  let set = map.get(key);
  if (!set) map.set(key, (set = new Set()));
  return set;
};

/**
 * Site-wide analytics that ingest and content reads produce (bots, served variants and their
 * clicks, degraded reads, segment entries, names seen in events) gathered in process and written
 * once a second, so the ingest and content paths keep their single round trip. (Events per type,
 * duplicates and active visitors are counted by the ingest script itself where it can:
 * `ingest-service.ts`.)
 *
 * While the store is down, what waits keeps adding up and is written once it is back. A counter
 * write is not idempotent, and a flush whose reply was lost may well have been applied (Redis
 * stalled past the command timeout runs it when it wakes up; ioredis re-sends a command whose
 * connection dropped). So flushes are numbered, and a flush that failed is sent again as it was,
 * under its number, before anything newer: the store counts each number once. Active visitors and
 * names are sets, safe to send twice. A crash loses at most one interval (a second) of these counts;
 * a graceful stop flushes them (`destroy.ts`).
 */
export class StatsBuffer extends FlushLoop<StatsBatch[]> {
  /** This process's name as a writer of counters (flush numbers are its own). */
  private readonly writer = randomUUID();
  private lastSeq = 0;
  private pending = emptyBatch();
  private pendingEntries = 0;
  private pendingActive = 0;
  /** A flush sent without a confirmation: it may have been applied, so it is only ever sent again as it is. */
  private unconfirmed: StatsBatch | undefined;
  private readonly written = new Map<string, Set<string>>();
  private readonly options: Required<Omit<StatsBufferOptions, 'onDropped'>>;

  constructor(
    private readonly sink: StatsSink,
    { flushMs = 1_000, maxActive = 100_000, onDropped, clock = Date.now }: Partial<StatsBufferOptions> = {}
  ) {
    super(flushMs, onDropped);
    this.options = { flushMs, maxActive, clock };
  }

  get size(): number {
    return this.pendingEntries + (this.unconfirmed ? 1 : 0);
  }

  private today(): number {
    return Math.floor(this.options.clock() / 86_400_000);
  }

  /** Adds to a counter of today, or of `day` (a funnel's entry day). */
  count(name: string, delta = 1, day = this.today()): void {
    if (delta === 0) return;
    if (this.closed) return this.drop(1);
    this.addCount(day, name, delta);
    this.added(false);
  }

  active(visitorId: string): void {
    if (this.closed) return this.drop(1);
    this.addActive(this.today(), visitorId);
    this.added(false);
  }

  seen(family: string, name: string): void {
    const written = this.written.get(family);
    if (this.closed || written?.has(name) || (written?.size ?? 0) >= MAX_SEEN_PER_FAMILY) return;
    const waiting = setIn(this.pending.names, family);
    // Names are suggestions for rule builders, capped per family: past the cap they are not kept.
    if (waiting.has(name) || waiting.size >= MAX_SEEN_PER_FAMILY) return;
    waiting.add(name);
    this.pendingEntries += 1;
    this.added(false);
  }

  private addCount(day: number, name: string, delta: number): void {
    let counts = this.pending.counts.get(day);
    if (!counts) this.pending.counts.set(day, (counts = {}));
    if (!(name in counts)) this.pendingEntries += 1;
    counts[name] = (counts[name] ?? 0) + delta;
  }

  private addActive(day: number, visitorId: string): void {
    const ids = setIn(this.pending.active, day);
    if (ids.has(visitorId)) return;
    if (this.pendingActive >= this.options.maxActive) return this.drop(1);
    ids.add(visitorId);
    this.pendingActive += 1;
    this.pendingEntries += 1;
  }

  /** The unconfirmed flush first, then what waits as a new flush with the next number. */
  protected take(): StatsBatch[] {
    const batches = this.unconfirmed ? [this.unconfirmed] : [];
    this.unconfirmed = undefined;
    if (this.pendingEntries > 0) {
      this.pending.seq = ++this.lastSeq;
      batches.push(this.pending);
    }
    this.pending = emptyBatch();
    this.pendingEntries = 0;
    this.pendingActive = 0;
    return batches;
  }

  /** Writes the flushes in order, each taken off the list once confirmed; stops at the first failure. */
  protected async write(batches: StatsBatch[]): Promise<void> {
    while (batches.length > 0) {
      const batch = batches[0];
      await Promise.all([
        ...[...batch.counts].map(([day, counts]) => this.sink.counts(day, counts, { writer: this.writer, seq: batch.seq })),
        ...[...batch.active].map(([day, ids]) => this.sink.activeVisitors(day, [...ids])),
        ...[...batch.names].map(async ([family, names]) => {
          await this.sink.seenNames(family, [...names]);
          for (const name of names) setIn(this.written, family).add(name);
        }),
      ]);
      batches.shift();
    }
  }

  /**
   * The first flush left was sent and not confirmed: it stays as it is, to be sent again first.
   * Those after it were never sent: they join what waits (and get a new number when sent).
   */
  protected restore([sent, ...unsent]: StatsBatch[]): void {
    this.unconfirmed = sent;
    for (const batch of unsent) {
      for (const [day, counts] of batch.counts) for (const [name, delta] of Object.entries(counts)) this.addCount(day, name, delta);
      for (const [day, ids] of batch.active) for (const id of ids) this.addActive(day, id);
      for (const [family, names] of batch.names) {
        for (const name of names) {
          const waiting = setIn(this.pending.names, family);
          if (!waiting.has(name)) {
            waiting.add(name);
            this.pendingEntries += 1;
          }
        }
      }
    }
  }
}
