import type { StatsCounts } from '../analytics/store/analytics-store';

export interface StatsSink {
  counts(day: number, counts: StatsCounts): Promise<void>;
  activeVisitors(day: number, visitorIds: string[]): Promise<void>;
  seenNames(family: string, names: string[]): Promise<void>;
}

/** Names per family remembered as already written, so each is sent about once per process. */
const MAX_SEEN_PER_FAMILY = 1_000;

/**
 * Site-wide analytics (events per type, bots, served variants and their clicks, active visitors,
 * names seen in events) are gathered in process and written every few seconds, so the ingest and
 * content paths keep their single round trip. A crash loses at most one interval of these counts;
 * events themselves are never held here.
 */
export class StatsBuffer {
  private pending = new Map<number, StatsCounts>();

  private activeByDay = new Map<number, Set<string>>();

  private names = new Map<string, Set<string>>();

  private readonly written = new Map<string, Set<string>>();

  private timer: NodeJS.Timeout | undefined;

  constructor(
    private readonly sink: StatsSink,
    private readonly intervalMs = 5_000,
    private readonly clock: () => number = Date.now
  ) {}

  start(): void {
    this.timer ??= setInterval(() => void this.flush(), this.intervalMs);
    this.timer.unref();
  }

  private today(): number {
    return Math.floor(this.clock() / 86_400_000);
  }

  count(name: string, delta = 1): void {
    if (delta === 0) return;
    const day = this.today();
    const counts = this.pending.get(day) ?? {};
    counts[name] = (counts[name] ?? 0) + delta;
    this.pending.set(day, counts);
  }

  active(visitorId: string): void {
    const day = this.today();
    const set = this.activeByDay.get(day) ?? new Set<string>();
    set.add(visitorId);
    this.activeByDay.set(day, set);
  }

  seen(family: string, name: string): void {
    const written = this.written.get(family);
    if (written?.has(name) || (written?.size ?? 0) >= MAX_SEEN_PER_FAMILY) return;
    const set = this.names.get(family) ?? new Set<string>();
    set.add(name);
    this.names.set(family, set);
  }

  /** Writes what is pending; what fails to write is kept for the next flush. */
  async flush(): Promise<void> {
    const [counts, active, names] = [this.pending, this.activeByDay, this.names];
    this.pending = new Map();
    this.activeByDay = new Map();
    this.names = new Map();
    await Promise.all([
      ...[...counts].map(([day, dayCounts]) =>
        this.sink.counts(day, dayCounts).catch(() => {
          for (const [name, delta] of Object.entries(dayCounts)) {
            const kept = this.pending.get(day) ?? {};
            kept[name] = (kept[name] ?? 0) + delta;
            this.pending.set(day, kept);
          }
        })
      ),
      ...[...active].map(([day, ids]) =>
        this.sink.activeVisitors(day, [...ids]).catch(() => {
          const kept = this.activeByDay.get(day) ?? new Set<string>();
          for (const id of ids) kept.add(id);
          this.activeByDay.set(day, kept);
        })
      ),
      ...[...names].map(([family, set]) =>
        this.sink.seenNames(family, [...set]).then(
          () => {
            const written = this.written.get(family) ?? new Set<string>();
            for (const name of set) written.add(name);
            this.written.set(family, written);
          },
          () => {
            const kept = this.names.get(family) ?? new Set<string>();
            for (const name of set) kept.add(name);
            this.names.set(family, kept);
          }
        )
      ),
    ]);
  }

  async stop(): Promise<void> {
    if (this.timer) clearInterval(this.timer);
    this.timer = undefined;
    await this.flush();
  }
}
