import type { MembershipUpdate } from './membership-store';

/** One visitor's entries and exits of one batch, as the membership log keeps them. */
export interface MembershipChangeSet {
  visitorId: string;
  entered: string[];
  left: string[];
  /** Epoch seconds. */
  at: number;
  /** How long the visitor's keys live (its list of log entries is one). */
  retentionSec: number;
}

/** What a flush writes: per segment the members to add (with their score) and to remove; the log. */
export interface MembershipBatch {
  added: Map<string, Map<string, number>>;
  removed: Map<string, Set<string>>;
  log: MembershipChangeSet[];
}

/**
 * Membership changes waiting to be written to the segments' member sets and the log. A busy site
 * enters and leaves segments many times a second; written as they come, each change costs a
 * command per segment. Collected for a moment, they cost one command per segment per flush, and
 * the last change of a visitor in a segment wins. Pure: the Redis driver flushes it.
 */
export class MembershipWrites {
  private batch: MembershipBatch = emptyBatch();
  private count = 0;

  /** Changes waiting (member-set operations plus log entries). */
  get size(): number {
    return this.count;
  }

  record(visitorId: string, update: Pick<MembershipUpdate, 'entered' | 'left'>, now: number, retentionSec: number): void {
    for (const segment of update.entered) {
      this.batch.removed.get(segment)?.delete(visitorId);
      mapOf(this.batch.added, segment).set(visitorId, now);
    }
    for (const segment of update.left) {
      this.batch.added.get(segment)?.delete(visitorId);
      setOf(this.batch.removed, segment).add(visitorId);
    }
    this.batch.log.push({ visitorId, entered: update.entered, left: update.left, at: now, retentionSec });
    this.count += update.entered.length + update.left.length + 1;
  }

  /** Drops every waiting change of these visitors (they are being erased). */
  forget(visitorIds: readonly string[]): void {
    const erased = new Set(visitorIds);
    const kept = this.take();
    for (const members of kept.added.values()) for (const visitorId of erased) members.delete(visitorId);
    for (const members of kept.removed.values()) for (const visitorId of erased) members.delete(visitorId);
    kept.log = kept.log.filter((change) => !erased.has(change.visitorId));
    this.replay(kept);
  }

  /** Everything waiting, and an empty buffer behind it. */
  take(): MembershipBatch {
    const batch = this.batch;
    this.batch = emptyBatch();
    this.count = 0;
    return batch;
  }

  /**
   * Puts back a batch whose write failed, under what was recorded since (newer changes win), as
   * long as the buffer stays under `limit`; returns how many log entries were dropped.
   */
  restore(failed: MembershipBatch, limit: number): number {
    const newer = this.take();
    const failedSize = sizeOf(failed);
    if (failedSize + sizeOf(newer) > limit) {
      this.replay(newer);
      return failed.log.length;
    }
    this.replay(failed);
    this.replay(newer);
    return 0;
  }

  private replay(batch: MembershipBatch): void {
    for (const [segment, members] of batch.added) {
      for (const [visitorId, score] of members) {
        this.batch.removed.get(segment)?.delete(visitorId);
        mapOf(this.batch.added, segment).set(visitorId, score);
      }
    }
    for (const [segment, members] of batch.removed) {
      for (const visitorId of members) {
        this.batch.added.get(segment)?.delete(visitorId);
        setOf(this.batch.removed, segment).add(visitorId);
      }
    }
    this.batch.log.push(...batch.log);
    this.count += sizeOf(batch);
  }
}

const emptyBatch = (): MembershipBatch => ({ added: new Map(), removed: new Map(), log: [] });

const mapOf = (maps: Map<string, Map<string, number>>, key: string) => {
  let map = maps.get(key);
  if (!map) maps.set(key, (map = new Map()));
  return map;
};

const setOf = (sets: Map<string, Set<string>>, key: string) => {
  let set = sets.get(key);
  if (!set) sets.set(key, (set = new Set()));
  return set;
};

const sizeOf = (batch: MembershipBatch) =>
  [...batch.added.values()].reduce((sum, members) => sum + members.size, 0) +
  [...batch.removed.values()].reduce((sum, members) => sum + members.size, 0) +
  batch.log.length;
