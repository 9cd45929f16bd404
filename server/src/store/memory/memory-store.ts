import { CORE_FIELDS } from '../profile-fields';
import { isValidVisitorId } from '../keys';
import { StoreUsageError } from '../store-usage-error';
import { EventEmitter } from 'events';
import type {
  ApplyResult,
  Assignment,
  ResolutionState,
  EventUpdate,
  MembershipEvent,
  MembershipUpdate,
  MergeInstruction,
  ProfileStore,
  StatsCounts,
  StoredProfile,
  UpdateSettings,
} from '../profile-store';
import { decodeSegments, encodeSegments } from '../segments-encoding';
import { applyMerge } from './apply-merge';
import { applyUpdates } from './apply-updates';
import { newVisitorState, type DedupState, type VisitorState } from './visitor-state';

/** A value that is forgotten at `expiresAt` (epoch ms), like a Redis key with a TTL. */
interface Expiring<T> {
  value: T;
  expiresAt: number;
}

interface Entry {
  state: VisitorState;
  dedup: DedupState;
}

const SWEEP_INTERVAL_MS = 60_000;
const MEMBERSHIP_LOG_LENGTH = 100_000;

/**
 * The embedded single-process store, for trying the plugin without Redis. Profiles live in this
 * process only: they vanish on restart and are not shared between Strapi instances.
 */
export class MemoryProfileStore implements ProfileStore {
  readonly kind = 'memory' as const;

  private readonly visitors = new Map<string, Expiring<Entry>>();

  private readonly aliases = new Map<string, Expiring<string>>();

  private readonly quotas = new Map<string, Expiring<number>>();

  private readonly users = new Map<string, Expiring<string>>();

  private readonly stats = new Map<number, StatsCounts>();

  /** Segment -> visitor -> when membership was last confirmed. */
  private readonly members = new Map<string, Map<string, number>>();

  private readonly sizes = new Map<string, Map<number, number>>();

  private log: MembershipEvent[] = [];

  private engagementCuts: number[] = [];

  private readonly locks = new Map<string, Expiring<string>>();

  private readonly jobs = new Map<string, Record<string, unknown>>();

  private readonly channels = new EventEmitter();

  private readonly changes = new Map<string, number>();

  private readonly active = new Map<number, Set<string>>();

  private readonly seen = new Map<string, Set<string>>();

  /** visitor -> experiment -> assignment; visitor -> `<experiment>|<goal>` -> first conversion. */
  private readonly assignments = new Map<string, Expiring<Map<string, Assignment>>>();

  private readonly conversions = new Map<string, Expiring<Map<string, number>>>();

  /** experiment -> totals and daily counters. */
  private readonly experiments = new Map<string, { totals: Map<string, number>; daily: Map<string, number> }>();

  private readonly sweeper: NodeJS.Timeout;

  constructor(private readonly clock: () => number = Date.now) {
    this.sweeper = setInterval(() => this.sweep(), SWEEP_INTERVAL_MS);
    this.sweeper.unref();
  }

  async applyUpdates(
    visitorId: string,
    events: EventUpdate[],
    settings: UpdateSettings,
    now: number,
    { returnProfile = false }: { returnProfile?: boolean } = {}
  ): Promise<ApplyResult> {
    assertVisitorId(visitorId);
    const alias = this.live(this.aliases, visitorId);
    if (alias) return { status: 'aliased', visitorId: alias.value };
    const quota = this.live(this.quotas, visitorId);
    const used = quota?.value ?? 0;
    if (used + events.length > settings.eventQuota.limit) {
      return { status: 'rate-limited', retryAfterSec: Math.max(1, Math.ceil(((quota?.expiresAt ?? 0) - this.clock()) / 1000)) };
    }
    this.quotas.set(visitorId, {
      value: used + events.length,
      expiresAt: quota?.expiresAt ?? this.clock() + settings.eventQuota.windowSec * 1000,
    });

    const entry = this.liveOrNew(visitorId);
    const counts = applyUpdates(entry.value.state, entry.value.dedup, events, settings, now);
    if (counts.accepted > 0) {
      entry.expiresAt = this.clock() + settings.retentionSec * 1000;
      this.visitors.set(visitorId, entry);
    }
    return {
      status: 'applied',
      ...counts,
      segments: decodeSegments(entry.value.state.segments),
      ...(returnProfile ? { profile: snapshot(entry.value.state) } : {}),
    };
  }

  async readProfile(visitorId: string): Promise<StoredProfile | null> {
    assertVisitorId(visitorId);
    const entry = this.live(this.visitors, visitorId);
    if (!entry || isEmpty(entry.value.state)) return null;
    return snapshot(entry.value.state);
  }

  async readSegments(visitorId: string): Promise<string[]> {
    assertVisitorId(visitorId);
    return decodeSegments(this.live(this.visitors, visitorId)?.value.state.segments);
  }

  async writeSegments(visitorId: string, segments: string[], retentionSec: number): Promise<void> {
    assertVisitorId(visitorId);
    const entry = this.liveOrNew(visitorId);
    entry.value.state.segments = encodeSegments(segments);
    entry.expiresAt = Math.max(entry.expiresAt, this.clock() + retentionSec * 1000);
    this.visitors.set(visitorId, entry);
  }

  async erase(visitorId: string, segments: readonly string[]): Promise<boolean> {
    assertVisitorId(visitorId);
    const entry = this.live(this.visitors, visitorId);
    const existed = entry !== undefined || this.live(this.aliases, visitorId) !== undefined;
    const state = entry?.value.state;
    const ids = new Set([visitorId, ...(state?.merged ?? [])]);
    const userHashes = new Set([...(state?.users ?? []), ...(state?.fields.get(CORE_FIELDS.userHash) ? [state.fields.get(CORE_FIELDS.userHash)!] : [])]);
    for (const hash of userHashes) {
      const linked = this.live(this.users, hash)?.value;
      if (linked && ids.has(linked)) this.users.delete(hash);
    }
    for (const id of ids) {
      this.visitors.delete(id);
      this.aliases.delete(id);
      this.quotas.delete(id);
      this.assignments.delete(id);
      this.conversions.delete(id);
    }
    for (const segment of segments) for (const id of ids) this.members.get(segment)?.delete(id);
    this.log = this.log.filter((change) => !ids.has(change.visitorId));
    return existed;
  }

  async linkUser(userHash: string, visitorId: string, retentionSec: number): Promise<string> {
    const linked = this.live(this.users, userHash)?.value ?? visitorId;
    this.users.set(userHash, { value: linked, expiresAt: this.clock() + retentionSec * 1000 });
    const entry = this.liveOrNew(linked);
    entry.value.state.users.add(userHash);
    entry.expiresAt = Math.max(entry.expiresAt, this.clock() + retentionSec * 1000);
    this.visitors.set(linked, entry);
    return linked;
  }

  async userVisitor(userHash: string): Promise<string | null> {
    return this.live(this.users, userHash)?.value ?? null;
  }

  async aliasOf(visitorId: string): Promise<string | null> {
    assertVisitorId(visitorId);
    return this.live(this.aliases, visitorId)?.value ?? null;
  }

  async clearAlias(visitorId: string): Promise<void> {
    this.aliases.delete(visitorId);
  }

  async applyMerge(
    visitorId: string,
    merge: MergeInstruction,
    settings: UpdateSettings,
    _now: number
  ): Promise<StoredProfile> {
    assertVisitorId(visitorId);
    const entry = this.liveOrNew(visitorId);
    applyMerge(entry.value.state, merge, settings);
    entry.expiresAt = this.clock() + settings.retentionSec * 1000;
    this.visitors.set(visitorId, entry);
    return snapshot(entry.value.state);
  }

  async retireInto(fromVisitorId: string, intoVisitorId: string, retentionSec: number): Promise<void> {
    assertVisitorId(fromVisitorId);
    assertVisitorId(intoVisitorId);
    const expiresAt = this.clock() + retentionSec * 1000;
    const from = this.live(this.visitors, fromVisitorId)?.value;
    const into = this.liveOrNew(intoVisitorId);
    for (const mergedId of [fromVisitorId, ...(from?.state.merged ?? [])]) {
      into.value.state.merged.add(mergedId);
      this.aliases.set(mergedId, { value: intoVisitorId, expiresAt });
    }
    for (const hash of from?.state.users ?? []) {
      into.value.state.users.add(hash);
      this.users.set(hash, { value: intoVisitorId, expiresAt });
    }
    for (const [day, seen] of from?.dedup.byDay ?? []) {
      const kept = into.value.dedup.byDay.get(day) ?? new Set<number>();
      for (const id of seen) kept.add(id);
      into.value.dedup.byDay.set(day, kept);
    }
    into.expiresAt = Math.max(into.expiresAt, expiresAt);
    this.visitors.set(intoVisitorId, into);
    this.visitors.delete(fromVisitorId);
    this.quotas.delete(fromVisitorId);
    this.assignments.delete(fromVisitorId);
    this.conversions.delete(fromVisitorId);
  }

  async incrementStats(day: number, counts: StatsCounts): Promise<void> {
    const current = this.stats.get(day) ?? {};
    for (const [name, delta] of Object.entries(counts)) current[name] = (current[name] ?? 0) + delta;
    this.stats.set(day, current);
  }

  async readStats(fromDay: number, toDay: number): Promise<Record<number, StatsCounts>> {
    const result: Record<number, StatsCounts> = {};
    for (let day = fromDay; day <= toDay; day++) {
      const counts = this.stats.get(day);
      if (counts) result[day] = { ...counts };
    }
    return result;
  }

  async updateMembership(visitorId: string, update: MembershipUpdate, now: number, retentionSec: number): Promise<boolean> {
    const current = this.live(this.visitors, visitorId)?.value.state.segments ?? encodeSegments([]);
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

  async segmentMembers(segment: string, limit: number): Promise<{ visitorId: string; confirmedAt: number }[]> {
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

  async addActiveVisitors(day: number, visitorIds: string[]): Promise<void> {
    const set = this.active.get(day) ?? new Set<string>();
    for (const visitorId of visitorIds) set.add(visitorId);
    this.active.set(day, set);
  }

  async countActiveVisitors(days: number[]): Promise<Record<number, number>> {
    return Object.fromEntries(days.map((day) => [day, this.active.get(day)?.size ?? 0]));
  }

  async addSeenNames(family: string, names: string[]): Promise<void> {
    const set = this.seen.get(family) ?? new Set<string>();
    for (const name of names) set.add(name);
    this.seen.set(family, set);
  }

  async seenNames(family: string, limit: number): Promise<string[]> {
    return [...(this.seen.get(family) ?? [])].slice(0, limit).sort();
  }

  async readResolutionState(visitorId: string, { assignments = true }: { assignments?: boolean } = {}): Promise<ResolutionState> {
    return { segments: await this.readSegments(visitorId), assignments: assignments ? await this.readAssignments(visitorId) : {} };
  }

  async readAssignments(visitorId: string): Promise<Record<string, Assignment>> {
    assertVisitorId(visitorId);
    return Object.fromEntries(this.live(this.assignments, visitorId)?.value ?? []);
  }

  async recordExposure(visitorId: string, experiment: string, arm: string, now: number, retentionSec: number): Promise<boolean> {
    assertVisitorId(visitorId);
    if (!this.live(this.visitors, visitorId)?.value.state.fields.size) return false;
    const entry = this.live(this.assignments, visitorId) ?? { value: new Map<string, Assignment>(), expiresAt: 0 };
    entry.expiresAt = this.clock() + retentionSec * 1000;
    this.assignments.set(visitorId, entry);
    if (entry.value.has(experiment)) return false;
    entry.value.set(experiment, { arm, at: Math.floor(now) });
    this.countExperiment(experiment, now, [`v|${arm}`]);
    return true;
  }

  async recordConversion(visitorId: string, experiment: string, arm: string, goal: string, now: number, retentionSec: number): Promise<boolean> {
    assertVisitorId(visitorId);
    const entry = this.live(this.conversions, visitorId) ?? { value: new Map<string, number>(), expiresAt: 0 };
    entry.expiresAt = this.clock() + retentionSec * 1000;
    this.conversions.set(visitorId, entry);
    const marker = `${experiment}|${goal}`;
    const first = !entry.value.has(marker);
    if (first) entry.value.set(marker, Math.floor(now));
    this.countExperiment(experiment, now, first ? [`ct|${goal}|${arm}`, `cv|${goal}|${arm}`] : [`ct|${goal}|${arm}`]);
    return first;
  }

  async experimentCounters(experiment: string): Promise<{ totals: Record<string, number>; daily: Record<string, number> }> {
    const counters = this.experiments.get(experiment);
    return { totals: Object.fromEntries(counters?.totals ?? []), daily: Object.fromEntries(counters?.daily ?? []) };
  }

  async deleteExperimentData(experiment: string): Promise<void> {
    this.experiments.delete(experiment);
  }

  private countExperiment(experiment: string, now: number, counters: string[]): void {
    const entry = this.experiments.get(experiment) ?? { totals: new Map<string, number>(), daily: new Map<string, number>() };
    const day = Math.floor(now / 86_400);
    for (const counter of counters) {
      entry.totals.set(counter, (entry.totals.get(counter) ?? 0) + 1);
      entry.daily.set(`${day}|${counter}`, (entry.daily.get(`${day}|${counter}`) ?? 0) + 1);
    }
    this.experiments.set(experiment, entry);
  }

  async scanVisitors(cursor: string, count: number): Promise<{ cursor: string; visitorIds: string[] }> {
    const all = [...this.visitors.keys()].filter((visitorId) => this.live(this.visitors, visitorId));
    const start = Number(cursor);
    const end = start + count;
    return { cursor: end >= all.length ? '0' : String(end), visitorIds: all.slice(start, end) };
  }

  async readProfiles(visitorIds: string[]): Promise<(StoredProfile | null)[]> {
    return Promise.all(visitorIds.map((visitorId) => this.readProfile(visitorId)));
  }

  async writeEngagementCuts(cuts: number[]): Promise<void> {
    this.engagementCuts = [...cuts];
  }

  async readEngagementCuts(): Promise<number[]> {
    return [...this.engagementCuts];
  }

  async acquireLock(name: string, owner: string, ttlSec: number): Promise<boolean> {
    const held = this.live(this.locks, name);
    if (held && held.value !== owner) return false;
    this.locks.set(name, { value: owner, expiresAt: this.clock() + ttlSec * 1000 });
    return true;
  }

  async releaseLock(name: string, owner: string): Promise<void> {
    if (this.live(this.locks, name)?.value === owner) this.locks.delete(name);
  }

  async writeJobStatus(name: string, status: Record<string, unknown>): Promise<void> {
    this.jobs.set(name, structuredClone(status));
  }

  async readJobStatus(name: string): Promise<Record<string, unknown> | null> {
    const status = this.jobs.get(name);
    return status ? structuredClone(status) : null;
  }

  async publish(channel: string, message: string): Promise<void> {
    this.channels.emit(channel, message);
  }

  async announceChange(topic: string, message: string): Promise<number> {
    const version = (this.changes.get(topic) ?? 0) + 1;
    this.changes.set(topic, version);
    await this.publish(topic, message);
    return version;
  }

  async changeVersions(): Promise<Record<string, number>> {
    return Object.fromEntries(this.changes);
  }

  async subscribe(channel: string, onMessage: (message: string) => void): Promise<() => Promise<void>> {
    this.channels.on(channel, onMessage);
    return async () => {
      this.channels.off(channel, onMessage);
    };
  }

  private membersOf(segment: string): Map<string, number> {
    let members = this.members.get(segment);
    if (!members) this.members.set(segment, (members = new Map()));
    return members;
  }

  async health() {
    return { connected: false, latencyMs: null };
  }

  async close(): Promise<void> {
    clearInterval(this.sweeper);
    this.visitors.clear();
    this.aliases.clear();
    this.quotas.clear();
    this.users.clear();
    this.channels.removeAllListeners();
  }

  private live<T>(map: Map<string, Expiring<T>>, key: string): Expiring<T> | undefined {
    const item = map.get(key);
    if (item && item.expiresAt <= this.clock()) {
      map.delete(key);
      return undefined;
    }
    return item;
  }

  private liveOrNew(visitorId: string): Expiring<Entry> {
    return (
      this.live(this.visitors, visitorId) ?? {
        value: { state: newVisitorState(), dedup: { byDay: new Map() } },
        expiresAt: 0,
      }
    );
  }

  private sweep(): void {
    const now = this.clock();
    for (const map of [this.visitors, this.aliases, this.quotas, this.users, this.locks, this.assignments, this.conversions] as Map<string, Expiring<unknown>>[]) {
      for (const [key, item] of map) if (item.expiresAt <= now) map.delete(key);
    }
  }
}

const assertVisitorId = (visitorId: string) => {
  if (!isValidVisitorId(visitorId)) throw new StoreUsageError(`invalid visitor id ${JSON.stringify(visitorId)}`);
};

const isEmpty = (state: VisitorState) =>
  state.fields.size === 0 &&
  state.windows.size === 0 &&
  state.recent.length === 0 &&
  state.traits.size === 0 &&
  state.segments === null;

/** A visitor's state as the store hands it out (also used by offline evaluations replaying events). */
export const snapshot = (state: VisitorState): StoredProfile => ({
  fields: Object.fromEntries(state.fields),
  windows: Object.fromEntries(state.windows),
  recent: [...state.recent],
  traits: Object.fromEntries(state.traits),
  segments: decodeSegments(state.segments),
  ...(state.merged.size > 0 ? { merged: [...state.merged].sort() } : {}),
});
