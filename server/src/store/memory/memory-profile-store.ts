import { siteCountsOfBatch } from '../../analytics/site-counts';
import { funnelCountsOf } from '../../funnels/funnel-counters';
import type { AnalyticsStore } from '../../analytics/store/analytics-store';
import { decodeSegments } from '../../segments/store/segments-encoding';
import { utcDay } from '../keys';
import { CORE_FIELDS } from '../profile-fields';
import type { ApplyOptions, ApplyResult, ErasedProfile, EventUpdate, MergeInstruction, ProfileStore, StoredProfile, UpdateSettings, VisitorScanPartition } from '../profile-store';
import { applyMerge } from './apply-merge';
import { applyUpdates } from './apply-updates';
import { assertVisitorId, type MemoryKeyspace } from './memory-keyspace';
import type { VisitorState } from './visitor-state';

/**
 * The embedded single-process driver, for trying the plugin without Redis: the rules of the Lua
 * scripts over plain maps (`apply-updates.ts`, `apply-merge.ts`), in the shared keyspace.
 */
export class MemoryProfileStore implements ProfileStore {
  private readonly aliases;

  private readonly quotas;

  /** User hash -> visitor id. */
  private readonly users;

  constructor(
    private readonly keyspace: MemoryKeyspace,
    /** Where site-wide counters of a batch are counted (`siteCounters`), in the same step. */
    private readonly analytics: AnalyticsStore
  ) {
    this.aliases = keyspace.expiring<string>();
    this.quotas = keyspace.expiring<number>();
    this.users = keyspace.expiring<string>();
  }

  private get visitors() {
    return this.keyspace.visitors;
  }

  async applyUpdates(
    visitorId: string,
    events: EventUpdate[],
    settings: UpdateSettings,
    now: number,
    { returnProfile = false, siteCounters, funnels }: ApplyOptions = {}
  ): Promise<ApplyResult> {
    assertVisitorId(visitorId);
    const alias = this.aliases.get(visitorId);
    if (alias !== undefined) return { status: 'aliased', visitorId: alias };
    const quota = this.quotas.live(visitorId);
    const used = quota?.value ?? 0;
    const clock = this.keyspace.clock();
    if (used + events.length > settings.eventQuota.limit) {
      return { status: 'rate-limited', retryAfterSec: Math.max(1, Math.ceil(((quota?.expiresAt ?? 0) - clock) / 1000)) };
    }
    this.quotas.put(visitorId, { value: used + events.length, expiresAt: quota?.expiresAt ?? clock + settings.eventQuota.windowSec * 1000 });

    const entry = this.keyspace.visitorOrNew(visitorId);
    const counts = applyUpdates(entry.value.state, entry.value.dedup, events, settings, now, funnels);
    if (counts.accepted > 0) {
      entry.expiresAt = clock + settings.retentionSec * 1000;
      this.visitors.put(visitorId, entry);
    }
    if (siteCounters) {
      await this.analytics.incrementStats(utcDay(now), siteCountsOfBatch(siteCounters, counts.applied, counts.duplicates));
      await this.analytics.addActiveVisitors(utcDay(now), [visitorId]);
      for (const [day, funnelCounts] of funnelCountsOf(counts.reached, decodeSegments(entry.value.state.segments))) {
        await this.analytics.incrementStats(day, funnelCounts);
      }
    }
    return {
      status: 'applied',
      ...counts,
      siteCounted: siteCounters !== undefined,
      segments: decodeSegments(entry.value.state.segments),
      ...(returnProfile ? { profile: snapshot(entry.value.state) } : {}),
    };
  }

  async readProfile(visitorId: string): Promise<StoredProfile | null> {
    assertVisitorId(visitorId);
    const entry = this.visitors.get(visitorId);
    if (!entry || isEmpty(entry.state)) return null;
    return snapshot(entry.state);
  }

  async readProfiles(visitorIds: string[]): Promise<(StoredProfile | null)[]> {
    return Promise.all(visitorIds.map((visitorId) => this.readProfile(visitorId)));
  }

  async writeCluster(visitorId: string, cluster: string): Promise<boolean> {
    assertVisitorId(visitorId);
    const state = this.visitors.get(visitorId)?.state;
    if (!state || isEmpty(state)) return false;
    state.fields.set(CORE_FIELDS.cluster, cluster);
    return true;
  }

  async scanVisitors(cursor: string, count: number): Promise<{ cursor: string; visitorIds: string[] }> {
    const all = this.visitors.keys();
    const start = Number(cursor);
    const end = start + count;
    return { cursor: end >= all.length ? '0' : String(end), visitorIds: all.slice(start, end) };
  }

  async visitorScanPartitions(): Promise<VisitorScanPartition[]> {
    return [{ node: 'memory', slice: 0, bits: 0 }];
  }

  async scanVisitorPartition(_partition: VisitorScanPartition, cursor: string | undefined, count: number): Promise<{ cursor: string; visitorIds: string[]; done: boolean }> {
    const page = await this.scanVisitors(cursor ?? '0', count);
    return { ...page, done: page.cursor === '0' };
  }

  async lastSeenOf(visitorIds: string[]): Promise<(number | null)[]> {
    return visitorIds.map((visitorId) => {
      const lastSeen = this.visitors.get(visitorId)?.state.fields.get(CORE_FIELDS.lastSeen);
      return lastSeen === undefined ? null : Number(lastSeen);
    });
  }

  async erase(visitorId: string): Promise<ErasedProfile> {
    assertVisitorId(visitorId);
    const state = this.visitors.get(visitorId)?.state;
    const held = state !== undefined || this.aliases.get(visitorId) !== undefined;
    const visitorIds = [visitorId, ...(state?.merged ?? [])];
    const userHash = state?.fields.get(CORE_FIELDS.userHash);
    for (const hash of new Set([...(state?.users ?? []), ...(userHash ? [userHash] : [])])) {
      const linked = this.users.get(hash);
      if (linked !== undefined && visitorIds.includes(linked)) this.users.delete(hash);
    }
    for (const id of visitorIds) {
      this.visitors.delete(id);
      this.aliases.delete(id);
      this.quotas.delete(id);
    }
    return { held, visitorIds };
  }

  async linkUser(userHash: string, visitorId: string, retentionSec: number): Promise<string> {
    const linked = this.users.get(userHash) ?? visitorId;
    this.users.set(userHash, linked, retentionSec);
    const entry = this.keyspace.visitorOrNew(linked);
    entry.value.state.users.add(userHash);
    entry.expiresAt = Math.max(entry.expiresAt, this.keyspace.clock() + retentionSec * 1000);
    this.visitors.put(linked, entry);
    return linked;
  }

  async userVisitor(userHash: string): Promise<string | null> {
    return this.users.get(userHash) ?? null;
  }

  async aliasOf(visitorId: string): Promise<string | null> {
    assertVisitorId(visitorId);
    return this.aliases.get(visitorId) ?? null;
  }

  async clearAlias(visitorId: string): Promise<void> {
    this.aliases.delete(visitorId);
  }

  async applyMerge(visitorId: string, merge: MergeInstruction, settings: UpdateSettings, _now: number): Promise<StoredProfile> {
    assertVisitorId(visitorId);
    const entry = this.keyspace.visitorOrNew(visitorId);
    applyMerge(entry.value.state, merge, settings);
    entry.expiresAt = this.keyspace.clock() + settings.retentionSec * 1000;
    this.visitors.put(visitorId, entry);
    return snapshot(entry.value.state);
  }

  async retireInto(fromVisitorId: string, intoVisitorId: string, retentionSec: number): Promise<void> {
    assertVisitorId(fromVisitorId);
    assertVisitorId(intoVisitorId);
    const from = this.visitors.get(fromVisitorId);
    const into = this.keyspace.visitorOrNew(intoVisitorId);
    for (const mergedId of [fromVisitorId, ...(from?.state.merged ?? [])]) {
      into.value.state.merged.add(mergedId);
      this.aliases.set(mergedId, intoVisitorId, retentionSec);
    }
    for (const hash of from?.state.users ?? []) {
      into.value.state.users.add(hash);
      this.users.set(hash, intoVisitorId, retentionSec);
    }
    for (const [day, seen] of from?.dedup.byDay ?? []) {
      const kept = into.value.dedup.byDay.get(day) ?? new Set<number>();
      for (const id of seen) kept.add(id);
      into.value.dedup.byDay.set(day, kept);
    }
    into.expiresAt = Math.max(into.expiresAt, this.keyspace.clock() + retentionSec * 1000);
    this.visitors.put(intoVisitorId, into);
    this.visitors.delete(fromVisitorId);
    this.quotas.delete(fromVisitorId);
  }
}

const isEmpty = (state: VisitorState) =>
  state.fields.size === 0 && state.windows.size === 0 && state.recent.length === 0 && state.steps.length === 0 && state.traits.size === 0 && state.segments === null;

/** A visitor's state as the store hands it out (also used by offline evaluations replaying events). */
export const snapshot = (state: VisitorState): StoredProfile => ({
  fields: Object.fromEntries(state.fields),
  windows: Object.fromEntries(state.windows),
  recent: [...state.recent],
  steps: [...state.steps],
  traits: Object.fromEntries(state.traits),
  segments: decodeSegments(state.segments),
  ...(state.merged.size > 0 ? { merged: [...state.merged].sort() } : {}),
});
