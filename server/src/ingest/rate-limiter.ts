import { LRUCache } from 'lru-cache';

/**
 * Fixed-window request counter per client, in process: a cheap first line against floods before
 * any Redis work. (The per-visitor event quota, counted in Redis, holds across instances.)
 * At most `maxClients` windows are remembered, so a flood from many addresses cannot grow memory.
 */
export class RateLimiter {
  private readonly windows: LRUCache<string, { count: number; resetAt: number }>;

  constructor(
    private readonly limit: number,
    private readonly windowMs = 60_000,
    private readonly clock: () => number = Date.now,
    maxClients = 50_000
  ) {
    this.windows = new LRUCache({ max: maxClients });
  }

  /** Counts one request; returns 0 when allowed, else the seconds until the window resets. */
  hit(client: string): number {
    const now = this.clock();
    let window = this.windows.get(client);
    if (!window || window.resetAt <= now) {
      window = { count: 0, resetAt: now + this.windowMs };
      this.windows.set(client, window);
    }
    window.count += 1;
    return window.count > this.limit ? Math.max(1, Math.ceil((window.resetAt - now) / 1000)) : 0;
  }
}
