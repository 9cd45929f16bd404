/**
 * An erase runs again a little later: other instances may still hold the visitor's engagements,
 * member-set additions or absence checks in their in-process write buffers (flushed every 100 to
 * 250 ms, a failed flush retried 4 intervals later), and would write them after the erase. The
 * erasing instance cannot reach those buffers; erasing again once they have drained removes what
 * they wrote. The sweeps still waiting when the instance stops run at once.
 */
export const ERASURE_SWEEP_MS = 2_000;

export class ErasureSweeps {
  private readonly waiting = new Map<NodeJS.Timeout, () => Promise<unknown>>();

  constructor(private readonly delayMs = ERASURE_SWEEP_MS) {}

  /** Runs `sweep` after the delay; its failure is the caller's to report (`onError`). */
  schedule(sweep: () => Promise<unknown>, onError: (error: unknown) => void): void {
    const timer = setTimeout(() => {
      this.waiting.delete(timer);
      sweep().catch(onError);
    }, this.delayMs);
    timer.unref();
    this.waiting.set(timer, () => sweep().catch(onError));
  }

  /** Runs every waiting sweep now (at shutdown, before the store closes). */
  async runNow(): Promise<void> {
    const sweeps = [...this.waiting];
    this.waiting.clear();
    for (const [timer] of sweeps) clearTimeout(timer);
    await Promise.all(sweeps.map(([, sweep]) => sweep()));
  }
}
