/**
 * What Strapi instances sharing one store tell each other: locks for jobs that must run once,
 * job status, change counters of what they cache, and publish/subscribe. Two drivers
 * (`redis-coordination-store.ts`, `memory-coordination-store.ts`) held to the same contract by
 * `tests/integration/store-contract/coordination.test.ts`.
 */
export interface CoordinationStore {
  /** A lock held by `owner` for `ttlSec` (renewed by acquiring again); true when acquired. */
  acquireLock(name: string, owner: string, ttlSec: number): Promise<boolean>;
  releaseLock(name: string, owner: string): Promise<void>;
  writeJobStatus(name: string, status: Record<string, unknown>): Promise<void>;
  readJobStatus(name: string): Promise<Record<string, unknown> | null>;
  /** Tells every Strapi instance sharing this store. */
  publish(channel: string, message: string): Promise<void>;
  /** Counts a change of `topic` (the counter is what instances poll) and publishes `message` on it; resolves to the new count. */
  announceChange(topic: string, message: string): Promise<number>;
  /** Every topic's change counter. */
  changeVersions(): Promise<Record<string, number>>;
  /** Resolves to an unsubscribe function. */
  subscribe(channel: string, onMessage: (message: string) => void): Promise<() => Promise<void>>;
}
