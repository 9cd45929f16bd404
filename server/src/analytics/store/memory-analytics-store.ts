import type { AnalyticsStore, StatsCounts, StatsFlush } from './analytics-store';

/** Exact counts where Redis counts approximately (a set of visitors per day, not a HyperLogLog). */
export class MemoryAnalyticsStore implements AnalyticsStore {
  private readonly stats = new Map<number, StatsCounts>();

  /** Per day, per writer, the last flush applied. */
  private readonly applied = new Map<number, Map<string, number>>();

  private readonly active = new Map<number, Set<string>>();

  private readonly seen = new Map<string, Set<string>>();

  async incrementStats(day: number, counts: StatsCounts, flush?: StatsFlush): Promise<void> {
    if (flush) {
      const writers = this.applied.get(day) ?? new Map<string, number>();
      if ((writers.get(flush.writer) ?? 0) >= flush.seq) return;
      this.applied.set(day, writers.set(flush.writer, flush.seq));
    }
    const current = this.stats.get(day) ?? {};
    for (const [name, delta] of Object.entries(counts)) current[name] = (current[name] ?? 0) + delta;
    this.stats.set(day, current);
  }

  async readStats(fromDay: number, toDay: number): Promise<Record<number, StatsCounts>> {
    const result: Record<number, StatsCounts> = {};
    for (let day = fromDay; day <= toDay; day++) {
      const counts = this.stats.get(day);
      if (counts) result[day] = { ...counts };
    }
    return result;
  }

  async addActiveVisitors(day: number, visitorIds: string[]): Promise<void> {
    const set = this.active.get(day) ?? new Set<string>();
    for (const visitorId of visitorIds) set.add(visitorId);
    this.active.set(day, set);
  }

  async countActiveVisitors(days: number[]): Promise<Record<number, number>> {
    return Object.fromEntries(days.map((day) => [day, this.active.get(day)?.size ?? 0]));
  }

  async addSeenNames(family: string, names: string[]): Promise<void> {
    const set = this.seen.get(family) ?? new Set<string>();
    for (const name of names) set.add(name);
    this.seen.set(family, set);
  }

  async seenNames(family: string, limit: number): Promise<string[]> {
    return [...(this.seen.get(family) ?? [])].slice(0, limit).sort();
  }
}
