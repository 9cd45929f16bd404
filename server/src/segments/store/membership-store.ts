/**
 * Segment membership as stored: each visitor's segments (read on every personalized fetch), each
 * segment's member set and daily sizes, the log of entries and exits, and the engagement
 * distribution the percentile rules compare against. Two drivers (`redis-membership-store.ts`,
 * `memory-membership-store.ts`) held to the same contract by
 * `tests/integration/store-contract/membership.test.ts`.
 */

/** A visitor entering or leaving a segment, as recorded for analytics and outbound triggers. */
export interface MembershipEvent {
  visitorId: string;
  segment: string;
  change: 'enter' | 'leave';
  /** Epoch seconds. */
  at: number;
}

export interface MembershipUpdate {
  /** The membership the change was computed from: written only if it is still the stored one. */
  previous: string[];
  segments: string[];
  entered: string[];
  left: string[];
}

export interface SegmentMember {
  visitorId: string;
  /** Epoch seconds of the latest confirmation. */
  confirmedAt: number;
}

export interface MembershipStore {
  /** The visitor's segments: the cheap read on the content-fetch path. */
  readSegments(visitorId: string): Promise<string[]>;
  writeSegments(visitorId: string, segments: string[], retentionSec: number): Promise<void>;
  /**
   * Stores a visitor's new membership if the stored one is still `update.previous` (a concurrent
   * batch or the background pass may have written since the profile was read: their write stands,
   * nothing is lost or logged twice); then adds or removes the visitor in each segment's member set
   * and logs each entry and exit. `now` also confirms the membership (see pruneSegmentMembers).
   * Resolves to whether it was written.
   */
  updateMembership(visitorId: string, update: MembershipUpdate, now: number, retentionSec: number): Promise<boolean>;
  /** Marks visitors as still in a segment at `now` (the re-evaluation job does this for everyone). */
  confirmMembers(segment: string, visitorIds: string[], now: number): Promise<void>;
  /** Drops members not confirmed since `before` (their profiles expired, or the segment changed). */
  pruneSegmentMembers(segment: string, before: number): Promise<void>;
  /** Members most recently confirmed first: pseudonymous visitor ids. */
  segmentMembers(segment: string, limit: number): Promise<SegmentMember[]>;
  segmentSizes(segments: string[]): Promise<Record<string, number>>;
  deleteSegmentData(segment: string): Promise<void>;
  recordSegmentSizes(day: number, sizes: Record<string, number>): Promise<void>;
  segmentSizeHistory(segment: string, fromDay: number, toDay: number): Promise<Record<number, number>>;
  /** The latest entries and exits, newest first. */
  membershipLog(limit: number): Promise<MembershipEvent[]>;
  writeEngagementCuts(cuts: number[]): Promise<void>;
  readEngagementCuts(): Promise<number[]>;
  /**
   * Erases the visitors from the member sets of `segments` (every segment that may list them) and
   * from the log, changes not yet written included; resolves to whether the log held any.
   */
  forgetVisitors(visitorIds: readonly string[], segments: readonly string[]): Promise<boolean>;
  /** Files `fromVisitorId`'s log entries under `intoVisitorId` (a merge), so that erasing the one erases them. */
  moveLogEntries(fromVisitorId: string, intoVisitorId: string, retentionSec: number): Promise<void>;
}
