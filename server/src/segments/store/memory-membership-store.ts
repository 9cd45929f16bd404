import { assertVisitorId, type MemoryKeyspace } from '../../store/memory/memory-keyspace';
import type { MembershipEvent, MembershipStore, MembershipUpdate, SegmentMember } from './membership-store';
import { decodeSegments, encodeSegments } from './segments-encoding';

const MEMBERSHIP_LOG_LENGTH = 100_000;

/** A visitor's segments live in its profile entry of the keyspace, as its Redis key lives under its hash tag. */
export class MemoryMembershipStore implements MembershipStore {
  /** Segment -> visitor -> when membership was last confirmed. */
  private readonly members = new Map<string, Map<string, number>>();

  private readonly sizes = new Map<string, Map<number, number>>();

  private log: MembershipEvent[] = [];

  private engagementCuts: number[] = [];

  constructor(private readonly keyspace: MemoryKeyspace) {}

  async readSegments(visitorId: string): Promise<string[]> {
    assertVisitorId(visitorId);
    return decodeSegments(this.keyspace.visitors.get(visitorId)?.state.segments);
  }

  async writeSegments(visitorId: string, segments: string[], retentionSec: number): Promise<void> {
    assertVisitorId(visitorId);
    const entry = this.keyspace.visitorOrNew(visitorId);
    entry.value.state.segments = encodeSegments(segments);
    entry.expiresAt = Math.max(entry.expiresAt, this.keyspace.clock() + retentionSec * 1000);
    this.keyspace.visitors.put(visitorId, entry);
  }

  async updateMembership(visitorId: string, update: MembershipUpdate, now: number, retentionSec: number): Promise<boolean> {
    const current = this.keyspace.visitors.get(visitorId)?.state.segments ?? encodeSegments([]);
    if (current !== encodeSegments(update.previous)) return false;
    await this.writeSegments(visitorId, update.segments, retentionSec);
    for (const segment of update.entered) this.membersOf(segment).set(visitorId, now);
    for (const segment of update.left) this.membersOf(segment).delete(visitorId);
    const changes: MembershipEvent[] = [
      ...update.entered.map((segment) => ({ visitorId, segment, change: 'enter' as const, at: now })),
      ...update.left.map((segment) => ({ visitorId, segment, change: 'leave' as const, at: now })),
    ];
    this.log = [...changes.reverse(), ...this.log].slice(0, MEMBERSHIP_LOG_LENGTH);
    return true;
  }

  async confirmMembers(segment: string, visitorIds: string[], now: number): Promise<void> {
    const members = this.membersOf(segment);
    for (const visitorId of visitorIds) members.set(visitorId, now);
  }

  async pruneSegmentMembers(segment: string, before: number): Promise<void> {
    const members = this.membersOf(segment);
    for (const [visitorId, confirmedAt] of members) if (confirmedAt < before) members.delete(visitorId);
  }

  async segmentMembers(segment: string, limit: number): Promise<SegmentMember[]> {
    return [...this.membersOf(segment)]
      .map(([visitorId, confirmedAt]) => ({ visitorId, confirmedAt }))
      .sort((a, b) => b.confirmedAt - a.confirmedAt || b.visitorId.localeCompare(a.visitorId))
      .slice(0, limit);
  }

  async segmentSizes(segments: string[]): Promise<Record<string, number>> {
    return Object.fromEntries(segments.map((segment) => [segment, this.members.get(segment)?.size ?? 0]));
  }

  async deleteSegmentData(segment: string): Promise<void> {
    this.members.delete(segment);
    this.sizes.delete(segment);
  }

  async recordSegmentSizes(day: number, sizes: Record<string, number>): Promise<void> {
    for (const [segment, size] of Object.entries(sizes)) {
      const history = this.sizes.get(segment) ?? new Map<number, number>();
      history.set(day, size);
      this.sizes.set(segment, history);
    }
  }

  async segmentSizeHistory(segment: string, fromDay: number, toDay: number): Promise<Record<number, number>> {
    return Object.fromEntries([...(this.sizes.get(segment) ?? [])].filter(([day]) => day >= fromDay && day <= toDay));
  }

  async membershipLog(limit: number): Promise<MembershipEvent[]> {
    return this.log.slice(0, limit);
  }

  async writeEngagementCuts(cuts: number[]): Promise<void> {
    this.engagementCuts = [...cuts];
  }

  async readEngagementCuts(): Promise<number[]> {
    return [...this.engagementCuts];
  }

  async forgetVisitors(visitorIds: readonly string[], segments: readonly string[]): Promise<boolean> {
    const ids = new Set(visitorIds);
    for (const segment of segments) for (const id of ids) this.members.get(segment)?.delete(id);
    const before = this.log.length;
    this.log = this.log.filter((change) => !ids.has(change.visitorId));
    return this.log.length < before;
  }

  async moveLogEntries(): Promise<void> {
    // The log names each change's visitor, and erase is given the merged visitors' ids too:
    // nothing to move.
  }

  private membersOf(segment: string): Map<string, number> {
    let members = this.members.get(segment);
    if (!members) this.members.set(segment, (members = new Map()));
    return members;
  }
}
