/**
 * Names of the fields the store itself maintains in a visitor's profile hash. Short on purpose: a
 * profile hash is a Redis listpack while it has at most 128 fields of at most 64 bytes, and every
 * byte of a field name is paid once per visitor.
 */
export const CORE_FIELDS = {
  /** Epoch seconds of the earliest event. */
  firstSeen: 'fs',
  /** Epoch seconds of the latest event. */
  lastSeen: 'ls',
  /** Epoch seconds of the event that opened the current session. */
  sessionStart: 'ss',
  /** Number of sessions (30-minute inactivity rule by default). */
  sessions: 'sn',
  /** UTC day number on which old daily buckets were last pruned. */
  windowsPrunedDay: 'wp',
  /** HMAC of the user id, once the visitor has identified (erase removes the user's link too). */
  userHash: 'uid',
  /** The visitor's k-means cluster id (set by the clustering job and by ingest, see clusters/). */
  cluster: 'cl',
} as const;

/** Prefix of a funnel's progress field, `f:<funnel>` = `<step>|<entry ts>|<counted>` (`funnels/funnel-progress.ts`). */
export const FUNNEL_PREFIX = 'f:';

/** Prefix of topic-affinity fields; the value is `<milli-score>|<epoch seconds of the score>`. */
export const AFFINITY_PREFIX = 't:';

/** Affinity scores are stored as integers in thousandths so both drivers round identically. */
export const AFFINITY_SCALE = 1000;

/**
 * Windowed counts live in the windows hash as daily buckets, `<utc day>:<counter>`, kept
 * `profile.windowDays`, and hourly buckets, `h<hour since epoch>:<counter>`, kept HOURLY_WINDOW_HOURS,
 * for rules over the last few hours (`window: "6h"`), which calendar days cannot answer. Hourly
 * buckets are kept only for the counters an enabled segment asks about by the hour
 * (`UpdateSettings.hourlyCounters`).
 */
export const HOUR_BUCKET_PREFIX = 'h';
export const HOURLY_WINDOW_HOURS = 48;

/**
 * Events per UTC hour of the week, `w<0-167>` in the windows hash (0 = Monday 00:00 UTC), never
 * pruned: when a visitor is usually active (`triggers/active-hour.ts`), for sending at their hour.
 * No colon, so no daily or hourly bucket reader mistakes it for one of theirs.
 */
export const ACTIVITY_BUCKET_PREFIX = 'w';
