/**
 * Work under way (ingest requests between their first and last store call), so that shutdown can
 * let it finish before the buffers it feeds are flushed and the store closes: once `close` is
 * called, new work is refused with `refusal()` (ingest answers 503 with Retry-After: nothing was
 * stored, the sender retries elsewhere or later), and `close` resolves when the work under way is
 * done, or after `timeoutMs`.
 */
export class InFlight {
  private running = 0;
  private closing = false;
  private idle: (() => void) | undefined;

  constructor(private readonly refusal: () => Error) {}

  async run<T>(work: () => Promise<T>): Promise<T> {
    if (this.closing) throw this.refusal();
    this.running += 1;
    try {
      return await work();
    } finally {
      this.running -= 1;
      if (this.running === 0) this.idle?.();
    }
  }

  /** Refuses new work; resolves to whether the work under way finished within `timeoutMs`. */
  async close(timeoutMs: number): Promise<boolean> {
    this.closing = true;
    if (this.running === 0) return true;
    let timer: NodeJS.Timeout | undefined;
    const finished = await Promise.race([
      new Promise<true>((resolve) => (this.idle = () => resolve(true))),
      new Promise<false>((resolve) => (timer = setTimeout(() => resolve(false), timeoutMs))),
    ]);
    clearTimeout(timer);
    return finished;
  }
}
