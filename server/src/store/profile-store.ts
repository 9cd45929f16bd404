/**
 * The profile store: one interface, two drivers (Redis and the embedded memory store).
 *
 * The store knows nothing of events or segments. It applies a small instruction set (`EventUpdate`)
 * that the pure ingest code derives from each event, atomically per batch, and hands back what it
 * holds in raw form (`StoredProfile`). Both drivers must behave identically; the contract suite in
 * `tests/integration/store-contract.test.ts` runs the same cases against each.
 */

/** What one accepted event does to a profile. Timestamps are epoch seconds. */
export interface EventUpdate {
  ts: number;
  /** 31-bit hash of the event's messageId; an event whose hash was seen in the dedup window is skipped. */
  dedup?: number;
  /** Counters of the profile hash: field -> integer delta. */
  incr?: Record<string, number>;
  /** Keep the largest integer seen for the field. */
  max?: Record<string, number>;
  /** Set only if the field has never been set (first-touch attribution). */
  setOnce?: Record<string, string>;
  /** Set when this event opens a new session (latest-session attribution). */
  setOnSessionStart?: Record<string, string>;
  /** Always set (last value wins). */
  set?: Record<string, string>;
  /** Topic -> weight, added to the topic's exponentially decayed affinity. */
  affinity?: Record<string, number>;
  /** Counter -> integer delta in the daily bucket of `ts`. */
  windowed?: Record<string, number>;
  /** Item id pushed to the front of the recently-viewed list. */
  recentItem?: string;
  /** Trait key -> JSON-encoded value. */
  traits?: Record<string, string>;
}

export interface UpdateSettings {
  /** Inactivity after which the next event opens a new session. */
  sessionGapSec: number;
  /** Half-life of topic affinity. */
  affinityHalfLifeSec: number;
  recentCap: number;
  /** Every key of a visitor expires this long after its last update. */
  retentionSec: number;
  /** Daily buckets older than this many days are pruned. */
  windowDays: number;
  /** Cap on fields of the profile hash, so that it stays a compact listpack in Redis. */
  maxFields: number;
  /** Cap on daily buckets and on traits: no field name from events grows a visitor's keys without bound. */
  maxWindowBuckets: number;
  maxTraits: number;
  /**
   * Counters also kept per hour (for rules with an hour window, `window: "6h"`). Only those some
   * enabled segment asks about: an hourly bucket per counter would otherwise add about 40 % to a
   * typical profile.
   */
  hourlyCounters: readonly string[];
  /** At most `limit` events per visitor per `windowSec`, counted in the store (across instances). */
  eventQuota: { limit: number; windowSec: number };
}

/**
 * How one profile is folded into another when two visitors turn out to be the same user. Built by
 * the pure `profiles/merge-profiles.ts`, which knows what each field means.
 */
export interface MergeInstruction {
  sum: Record<string, number>;
  max: Record<string, number>;
  min: Record<string, number>;
  /** Set even if present (the source is the better value, e.g. the newer session). */
  set: Record<string, string>;
  /** Set only where the target has nothing. */
  setIfAbsent: Record<string, string>;
  /** Topic -> [score, epoch seconds of the score], combined with the target's decayed score. */
  affinity: Record<string, [number, number]>;
  /** Daily bucket key -> count, added. */
  windows: Record<string, number>;
  /** The source's recent items, newest first; they go after the target's own. */
  recent: string[];
  traits: Record<string, string>;
  /** Source traits overwrite the target's (the source identified more recently). */
  traitsWin: boolean;
}

/** Everything held about one visitor, in the raw form both drivers share. */
export interface StoredProfile {
  /** Visitor ids merged into this one (other devices of the same user). */
  merged?: string[];
  /** Scalar fields and counters, values as strings (as Redis returns them). */
  fields: Record<string, string>;
  /** `<utc day number>:<counter>` -> count. */
  windows: Record<string, number>;
  /** Most recent first. */
  recent: string[];
  /** Trait key -> JSON-encoded value. */
  traits: Record<string, string>;
  /** Segment slugs the visitor belonged to at the last evaluation. */
  segments: string[];
}

export type ApplyResult =
  | {
      status: 'applied';
      accepted: number;
      duplicates: number;
      /** Per update, in order: applied (true) or skipped as a duplicate (false). */
      applied: boolean[];
      /** Segment membership as stored (before any re-evaluation). */
      segments: string[];
      /** The whole profile after the batch, when asked for (`returnProfile`). */
      profile?: StoredProfile;
    }
  /** The visitor was merged into `visitorId`; apply there instead. Nothing was written. */
  | { status: 'aliased'; visitorId: string }
  /** Over the per-visitor event quota. Nothing was written. */
  | { status: 'rate-limited'; retryAfterSec: number };

/** Daily counters of the whole site (events by type, bots, ...), for analytics. */
export type StatsCounts = Record<string, number>;

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

/** A visitor's sticky experiment arm and when it was first served. */
export interface Assignment {
  arm: string;
  /** Epoch seconds of the first exposure. */
  at: number;
}

/** What resolution reads about a visitor, in one round trip. */
export interface ResolutionState {
  segments: string[];
  assignments: Record<string, Assignment>;
}

export interface StoreHealth {
  connected: boolean;
  /** Round-trip time of a PING, null when it could not be measured. */
  latencyMs: number | null;
}

export type StoreKind = 'redis' | 'memory';

export interface ProfileStore {
  readonly kind: StoreKind;
  /**
   * Applies a batch (sorted by `ts`) to one visitor atomically, in one round trip. The profile
   * comes back only with `returnProfile` (segment evaluation needs it; plain ingest does not).
   */
  applyUpdates(
    visitorId: string,
    events: EventUpdate[],
    settings: UpdateSettings,
    now: number,
    options?: { returnProfile?: boolean }
  ): Promise<ApplyResult>;
  /** Everything held about a visitor, or null when nothing is. */
  readProfile(visitorId: string): Promise<StoredProfile | null>;
  /** Only the segment membership: the cheap read on the content-fetch path. */
  readSegments(visitorId: string): Promise<string[]>;
  writeSegments(visitorId: string, segments: string[], retentionSec: number): Promise<void>;
  /**
   * Erases a visitor from everything that names it: its keys and those of the visitors merged into
   * it, the links of its users, its entries in the segment log, and the member sets of `segments`
   * (every segment that may list it); resolves to whether anything was held.
   */
  erase(visitorId: string, segments: readonly string[]): Promise<boolean>;
  /**
   * Links a user (by HMAC) to a visitor unless the user already has one; resolves to the user's
   * visitor id (the given one, or the one linked before).
   */
  linkUser(userHash: string, visitorId: string, retentionSec: number): Promise<string>;
  /** The visitor a user is linked to, if any (read only). */
  userVisitor(userHash: string): Promise<string | null>;
  /** The visitor this one was merged into, if it was. */
  aliasOf(visitorId: string): Promise<string | null>;
  /** Forgets that this visitor was merged into another (to break a cycle of aliases). */
  clearAlias(visitorId: string): Promise<void>;
  /** Folds another profile into this visitor's. */
  applyMerge(visitorId: string, merge: MergeInstruction, settings: UpdateSettings, now: number): Promise<StoredProfile>;
  /**
   * Deletes `fromVisitorId`'s data and leaves an alias to `intoVisitorId` for requests still using
   * it. What pointed at `fromVisitorId` (visitors merged into it, its users' links) now points at
   * `intoVisitorId`, so that aliases never chain; its seen message ids move along, so a batch
   * retried after the merge is still counted once.
   */
  retireInto(fromVisitorId: string, intoVisitorId: string, retentionSec: number): Promise<void>;
  incrementStats(day: number, counts: StatsCounts): Promise<void>;
  readStats(fromDay: number, toDay: number): Promise<Record<number, StatsCounts>>;
  /** Visitors active on a day, counted approximately (HyperLogLog: 12 KB per day whatever the traffic). */
  addActiveVisitors(day: number, visitorIds: string[]): Promise<void>;
  countActiveVisitors(days: number[]): Promise<Record<number, number>>;
  /** Names seen in events, per family (events, categories, topics, pages, traits): for rule builders. */
  addSeenNames(family: string, names: string[]): Promise<void>;
  seenNames(family: string, limit: number): Promise<string[]>;

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
  segmentMembers(segment: string, limit: number): Promise<{ visitorId: string; confirmedAt: number }[]>;
  segmentSizes(segments: string[]): Promise<Record<string, number>>;
  deleteSegmentData(segment: string): Promise<void>;
  recordSegmentSizes(day: number, sizes: Record<string, number>): Promise<void>;
  segmentSizeHistory(segment: string, fromDay: number, toDay: number): Promise<Record<number, number>>;
  /** The latest entries and exits, newest first. */
  membershipLog(limit: number): Promise<MembershipEvent[]>;

  /**
   * Segments and, when asked (experiments are running), experiment assignments of a visitor, in
   * one round trip: the content-fetch read.
   */
  readResolutionState(visitorId: string, options?: { assignments?: boolean }): Promise<ResolutionState>;
  readAssignments(visitorId: string): Promise<Record<string, Assignment>>;
  /**
   * Records a visitor's arm on first exposure; resolves to true when this was the first (and the
   * arm's visitor counters went up), false when an arm was already recorded or the store holds no
   * profile of the visitor (a read by an unknown visitor records nothing).
   */
  recordExposure(visitorId: string, experiment: string, arm: string, now: number, retentionSec: number): Promise<boolean>;
  /** Counts a conversion: once per visitor and goal (unique), and in the goal's total. */
  recordConversion(visitorId: string, experiment: string, arm: string, goal: string, now: number, retentionSec: number): Promise<boolean>;
  /** The experiment's counters: totals and daily buckets (`<day>|<counter>`). */
  experimentCounters(experiment: string): Promise<{ totals: Record<string, number>; daily: Record<string, number> }>;
  deleteExperimentData(experiment: string): Promise<void>;

  /** One page of stored visitor ids; start and end with cursor '0'. */
  scanVisitors(cursor: string, count: number): Promise<{ cursor: string; visitorIds: string[] }>;
  /** Profiles of many visitors, in order (null where nothing is held). */
  readProfiles(visitorIds: string[]): Promise<(StoredProfile | null)[]>;

  writeEngagementCuts(cuts: number[]): Promise<void>;
  readEngagementCuts(): Promise<number[]>;

  /** A lock held by `owner` for `ttlSec` (renewed by acquiring again); true when acquired. */
  acquireLock(name: string, owner: string, ttlSec: number): Promise<boolean>;
  releaseLock(name: string, owner: string): Promise<void>;
  writeJobStatus(name: string, status: Record<string, unknown>): Promise<void>;
  readJobStatus(name: string): Promise<Record<string, unknown> | null>;
  /** Tells every Strapi instance sharing this store; `subscribe` returns an unsubscribe function. */
  publish(channel: string, message: string): Promise<void>;
  /** Counts a change of `topic` (the counter is what instances poll) and publishes `message` on it; resolves to the new count. */
  announceChange(topic: string, message: string): Promise<number>;
  /** Every topic's change counter. */
  changeVersions(): Promise<Record<string, number>>;
  subscribe(channel: string, onMessage: (message: string) => void): Promise<() => Promise<void>>;
  health(): Promise<StoreHealth>;
  close(): Promise<void>;
}
