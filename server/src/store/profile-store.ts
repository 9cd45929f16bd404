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
}

/** Everything held about one visitor, in the raw form both drivers share. */
export interface StoredProfile {
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

export interface ApplyResult {
  accepted: number;
  duplicates: number;
  profile: StoredProfile;
}

export interface StoreHealth {
  connected: boolean;
  /** Round-trip time of a PING, null when it could not be measured. */
  latencyMs: number | null;
}

export type StoreKind = 'redis' | 'memory';

export interface ProfileStore {
  readonly kind: StoreKind;
  /** Applies a batch (sorted by `ts`) to one visitor atomically, in one round trip. */
  applyUpdates(
    visitorId: string,
    events: EventUpdate[],
    settings: UpdateSettings,
    now: number
  ): Promise<ApplyResult>;
  /** Everything held about a visitor, or null when nothing is. */
  readProfile(visitorId: string): Promise<StoredProfile | null>;
  /** Only the segment membership: the cheap read on the content-fetch path. */
  readSegments(visitorId: string): Promise<string[]>;
  writeSegments(visitorId: string, segments: string[], retentionSec: number): Promise<void>;
  /** Deletes every key of the visitor; resolves to whether anything was held. */
  erase(visitorId: string): Promise<boolean>;
  health(): Promise<StoreHealth>;
  close(): Promise<void>;
}

export const EMPTY_PROFILE: StoredProfile = Object.freeze({
  fields: {},
  windows: {},
  recent: [],
  traits: {},
  segments: [],
}) as StoredProfile;
