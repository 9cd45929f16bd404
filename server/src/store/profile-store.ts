/**
 * The profile store: visitors' profiles and identities (aliases, merged devices, user links), with
 * two drivers (`redis/redis-profile-store.ts`, `memory/memory-profile-store.ts`). Other capabilities
 * own their own small stores beside their code (membership in `segments/store/`, assignments in
 * `experiments/store/`, ...), all built from one connection by `create-stores.ts`.
 *
 * The store knows nothing of events or segments. It applies a small instruction set (`EventUpdate`)
 * that the pure ingest code derives from each event, atomically per batch, and hands back what it
 * holds in raw form (`StoredProfile`). Both drivers must behave identically; the contract suite in
 * `tests/integration/store-contract/profiles.test.ts` runs the same cases against each.
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
  /**
   * The event as a journey step (`journeys/journey-step.ts`, `encodeStep`), pushed to the front of
   * the visitor's step record, capped at `UpdateSettings.journeySteps`. Only when the event is
   * applied: a duplicate records nothing.
   */
  step?: string;
  /** Trait key -> JSON-encoded value. */
  traits?: Record<string, string>;
  /**
   * The funnel steps this event is (`funnels/compiled-funnel.ts`), which advance the visitor's
   * progress: pairs of an index into `ApplyOptions.funnels` and a mask of that funnel's steps (bit
   * k-1 for step k). Integers, so that a batch carries a few bytes per funnel.
   */
  funnels?: number[];
}

/** A funnel the batch's updates name by index: its key (progress field, counters) and its window. */
export interface FunnelWindow {
  key: string;
  windowSec: number;
}

/**
 * A funnel step a visitor reached for the first time for an attempt's entry day (UTC day number):
 * one visitor to count for that step on that day (`funnels/funnel-progress.ts`).
 */
export interface FunnelReached {
  funnel: string;
  day: number;
  step: number;
}

export interface UpdateSettings {
  /** Inactivity after which the next event opens a new session. */
  sessionGapSec: number;
  /** Half-life of topic affinity. */
  affinityHalfLifeSec: number;
  recentCap: number;
  /** Journey steps kept per visitor, newest first (sequence rules read them); 0 records none. */
  journeySteps: number;
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
  /** The source's journey steps, newest first; interleaved with the target's by time, then capped. */
  steps: string[];
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
  /** Journey steps as stored (`encodeStep`), newest first: `stepsInTimeOrder` reads them. */
  steps: string[];
  /** Trait key -> JSON-encoded value. */
  traits: Record<string, string>;
  /** Segment slugs the visitor belonged to at the last evaluation. */
  segments: string[];
}

export interface ApplyOptions {
  /** Hand back the whole profile after the batch (segment evaluation needs it; plain ingest does not). */
  returnProfile?: boolean;
  /**
   * Per update, the site-wide daily counter (`psn:stats:<day>`, e.g. `events:page`) it adds one to
   * when applied; updates skipped as duplicates add to `duplicates` instead, and the visitor joins
   * the day's active visitors. Counted in the same atomic step as de-duplication where the store
   * can (`siteCounted`), so that a batch sent again after its answer was lost (between store and
   * process, or process and sender) counts exactly once, and a crash of the process loses none.
   * Funnel steps reached (`reached`) are counted with them, per segment the visitor belongs to as
   * stored, in the counters of the attempt's entry day (`funnels/funnel-counters.ts`).
   */
  siteCounters?: readonly string[];
  /** The funnels `EventUpdate.funnels` names by index. */
  funnels?: readonly FunnelWindow[];
}

export type ApplyResult =
  | {
      status: 'applied';
      accepted: number;
      duplicates: number;
      /** Per update, in order: applied (true) or skipped as a duplicate (false). */
      applied: boolean[];
      /**
       * Whether the store counted `siteCounters` itself. Not on Redis Cluster, where the day's
       * counters live in another slot than the visitor: the caller counts them then.
       */
      siteCounted: boolean;
      /** Funnel steps the batch made the visitor reach (counted by the store when `siteCounted`). */
      reached: FunnelReached[];
      /**
       * The head of the visitor's journey-step record before the batch (stored form), when the batch
       * recorded a step and the record held one: the step before the batch's first, for page paths
       * (`recommendations/page-paths.ts`).
       */
      previousStep?: string;
      /** Segment membership as stored (before any re-evaluation). */
      segments: string[];
      /** The whole profile after the batch, when asked for (`returnProfile`). */
      profile?: StoredProfile;
    }
  /** The visitor was merged into `visitorId`; apply there instead. Nothing was written. */
  | { status: 'aliased'; visitorId: string }
  /** Over the per-visitor event quota. Nothing was written. */
  | { status: 'rate-limited'; retryAfterSec: number };

/** What erasing a visitor's profile erased: the other capabilities erase these ids too. */
export interface ErasedProfile {
  /** Whether anything was held. */
  held: boolean;
  /** The visitor and the visitors merged into it. */
  visitorIds: string[];
}

/** A part of the scan of every stored visitor: one Redis node's, or a slice of it (`scan-slices.ts`). */
export interface VisitorScanPartition {
  /** The node's address (`host:port`); the memory driver's only node is `memory`. */
  node: string;
  slice: number;
  bits: number;
}

export interface ProfileStore {
  /** Applies a batch (sorted by `ts`) to one visitor atomically, in one round trip (see ApplyOptions). */
  applyUpdates(visitorId: string, events: EventUpdate[], settings: UpdateSettings, now: number, options?: ApplyOptions): Promise<ApplyResult>;
  /** Everything held about a visitor, or null when nothing is. */
  readProfile(visitorId: string): Promise<StoredProfile | null>;
  /** Profiles of many visitors, in order (null where nothing is held). */
  readProfiles(visitorIds: string[]): Promise<(StoredProfile | null)[]>;
  /**
   * Sets the visitor's k-means cluster (`cl`) on a profile that exists (a profile that expired
   * meanwhile is not brought back); resolves to whether it was written.
   */
  writeCluster(visitorId: string, cluster: string): Promise<boolean>;
  /** One page of stored visitor ids; start and end with cursor '0'. */
  scanVisitors(cursor: string, count: number): Promise<{ cursor: string; visitorIds: string[] }>;
  /**
   * The scan of every stored visitor cut into partitions that can be walked apart: one per master
   * node, each cut into slices of about `keysPerSlice` keys (up to 256).
   */
  visitorScanPartitions(keysPerSlice: number): Promise<VisitorScanPartition[]>;
  /** One page of a partition's visitors: start without a cursor, stop when `done`. */
  scanVisitorPartition(partition: VisitorScanPartition, cursor: string | undefined, count: number): Promise<{ cursor: string; visitorIds: string[]; done: boolean }>;
  /** When each visitor's latest event was (epoch seconds; null where no profile is held): a cheap read, no whole profile. */
  lastSeenOf(visitorIds: string[]): Promise<(number | null)[]>;
  /**
   * Erases a visitor's profile and those of the visitors merged into it, their aliases and the
   * links of their users. `identity/erase-visitor.ts` erases the same ids from every capability.
   */
  erase(visitorId: string): Promise<ErasedProfile>;
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
   * Deletes `fromVisitorId`'s profile and leaves an alias to `intoVisitorId` for requests still
   * using it. What pointed at `fromVisitorId` (visitors merged into it, its users' links) now points
   * at `intoVisitorId`, so that aliases never chain; its seen message ids move along, so a batch
   * retried after the merge is still counted once. `identity/retire-visitor.ts` does the same for
   * every capability.
   */
  retireInto(fromVisitorId: string, intoVisitorId: string, retentionSec: number): Promise<void>;
}
