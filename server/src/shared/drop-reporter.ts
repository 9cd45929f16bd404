/**
 * Writes that a buffer could not keep (the store stayed down past the buffer's bound, or was down
 * at shutdown), per kind: totals for the health endpoint, and a warning per kind at most once per
 * `intervalMs` saying how many since the last one, so an outage shows in the log without flooding it.
 */
export class DropReporter {
  private readonly totals = new Map<string, number>();
  private readonly unlogged = new Map<string, number>();
  private readonly lastLogged = new Map<string, number>();

  constructor(
    private readonly warn: (message: string) => void,
    private readonly intervalMs = 60_000,
    private readonly clock: () => number = Date.now
  ) {}

  report(kind: string, count: number): void {
    if (count <= 0) return;
    this.totals.set(kind, (this.totals.get(kind) ?? 0) + count);
    const waiting = (this.unlogged.get(kind) ?? 0) + count;
    const now = this.clock();
    if (now - (this.lastLogged.get(kind) ?? -Infinity) < this.intervalMs) {
      this.unlogged.set(kind, waiting);
      return;
    }
    this.unlogged.delete(kind);
    this.lastLogged.set(kind, now);
    this.warn(`${waiting} ${kind} could not be written (the profile store is unavailable and the buffer is full, or it was down at shutdown); ${this.totals.get(kind)} in all since start`);
  }

  /** Dropped so far, per kind. */
  counts(): Record<string, number> {
    return Object.fromEntries(this.totals);
  }
}
