import type { PassProposal, SharedPass } from './shared-pass';

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
  /**
   * Begins a shared pass (see `shared-pass.ts`) unless one of the same version is running, which
   * the caller then joins; resolves to the pass running now.
   */
  beginPass(name: string, proposal: PassProposal): Promise<SharedPass>;
  readPass(name: string): Promise<SharedPass | null>;
  /**
   * Claims for `ttlMs` a partition nobody holds (or whose claim expired); once every partition is
   * done, the finishing step (number `partitions`). Null when nothing is free, or the pass is over
   * or was replaced.
   */
  claimPartition(name: string, passId: string, owner: string, ttlMs: number): Promise<number | null>;
  /** Renews a claim and records the partition's progress; false when the claim or the pass is gone. */
  renewPartition(name: string, passId: string, partition: number, owner: string, ttlMs: number, progress: number): Promise<boolean>;
  /** Marks a claimed partition done, adding its totals and maxima; false when the claim was lost. */
  finishPartition(name: string, passId: string, partition: number, owner: string, totals: Record<string, number>, maxima: Record<string, number>): Promise<boolean>;
  /** Gives a claim back undone (another instance or a later pass takes it), with the error that stopped it. */
  releasePartition(name: string, passId: string, partition: number, owner: string, error?: string): Promise<void>;
  /** Ends the pass (by the holder of the finishing step); false when the claim was lost. */
  completePass(name: string, passId: string, owner: string, finishedAt: number): Promise<boolean>;
  /** Resolves to an unsubscribe function. */
  subscribe(channel: string, onMessage: (message: string) => void): Promise<() => Promise<void>>;
}
