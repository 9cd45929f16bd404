import type { StatsCounts } from '../store/profile-store';

/**
 * Site-wide counters (events per type, bots, duplicates, ...) are summed in process and written
 * every few seconds, so the ingest path keeps its single round trip. A crash loses at most one
 * interval of counts; events themselves are never held here.
 */
export class StatsBuffer {
  private pending = new Map<number, StatsCounts>();

  private timer: NodeJS.Timeout | undefined;

  constructor(
    private readonly write: (day: number, counts: StatsCounts) => Promise<void>,
    private readonly intervalMs = 5_000,
    private readonly clock: () => number = Date.now
  ) {}

  start(): void {
    this.timer ??= setInterval(() => void this.flush(), this.intervalMs);
    this.timer.unref();
  }

  count(name: string, delta = 1): void {
    if (delta === 0) return;
    const day = Math.floor(this.clock() / 86_400_000);
    const counts = this.pending.get(day) ?? {};
    counts[name] = (counts[name] ?? 0) + delta;
    this.pending.set(day, counts);
  }

  /** Writes what is pending; counts that fail to write are kept for the next flush. */
  async flush(): Promise<void> {
    const batch = this.pending;
    this.pending = new Map();
    await Promise.all(
      [...batch].map(([day, counts]) =>
        this.write(day, counts).catch(() => {
          for (const [name, delta] of Object.entries(counts)) {
            const kept = this.pending.get(day) ?? {};
            kept[name] = (kept[name] ?? 0) + delta;
            this.pending.set(day, kept);
          }
        })
      )
    );
  }

  async stop(): Promise<void> {
    if (this.timer) clearInterval(this.timer);
    this.timer = undefined;
    await this.flush();
  }
}
