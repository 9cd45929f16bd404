/**
 * Writes collected in process and flushed together: a busy site pays one store call per interval
 * instead of one per request, and the request path pays none. Subclasses hold what waits (and how
 * newer entries merge with older ones); this holds the timing: a flush after `flushMs`, or at once
 * when a subclass says the buffer is full; one flush at a time (a flush asked for while one runs
 * follows it, and all such asks share it); a failed flush put back for the next one, retried later;
 * what a subclass cannot hold past its bound counted and reported (`drop`), never dropped silently;
 * `close` flushing what waits. Never throws.
 */
export abstract class FlushLoop<Batch> {
  private timer: NodeJS.Timeout | undefined;
  private running: Promise<void> | undefined;
  private queued: Promise<void> | undefined;
  private droppedCount = 0;
  protected closed = false;

  constructor(
    private readonly flushMs: number,
    /** Told of every drop (the plugin counts and logs them). */
    private readonly onDropped?: (count: number) => void
  ) {}

  /** Entries dropped because too many were waiting (the store stayed down). */
  get dropped(): number {
    return this.droppedCount;
  }

  /** Entries that could not be kept: counted and reported. */
  protected drop(count: number): void {
    if (count <= 0) return;
    this.droppedCount += count;
    this.onDropped?.(count);
  }

  /** Entries waiting. */
  abstract get size(): number;

  /** Everything waiting, leaving the buffer empty. */
  protected abstract take(): Batch;

  protected abstract write(batch: Batch): Promise<void>;

  /** Puts a batch whose write failed back, under (older than) what was added since. */
  protected abstract restore(batch: Batch): void;

  /** After an entry was added: flush now when `full`, else within `flushMs`. */
  protected added(full: boolean): void {
    if (full) void this.flush();
    else this.timer ??= setTimeout(() => void this.flush(), this.flushMs).unref();
  }

  flush(): Promise<void> {
    clearTimeout(this.timer);
    this.timer = undefined;
    if (this.queued) return this.queued;
    if (this.running) {
      this.queued = this.running.then(() => {
        this.queued = undefined;
        return this.flush();
      });
      return this.queued;
    }
    this.running = this.flushNow().finally(() => {
      this.running = undefined;
    });
    return this.running;
  }

  private async flushNow(): Promise<void> {
    if (this.size === 0) return;
    const batch = this.take();
    try {
      await this.write(batch);
    } catch {
      this.restore(batch);
      if (!this.closed) this.timer ??= setTimeout(() => void this.flush(), this.flushMs * 4).unref();
    }
  }

  /** Flushes what waits and accepts nothing more; what could not be written then is dropped, and counted. */
  async close(): Promise<void> {
    await this.flush();
    this.closed = true;
    clearTimeout(this.timer);
    this.drop(this.size);
  }
}
