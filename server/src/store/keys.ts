import { StoreUsageError } from './store-usage-error';

/**
 * The one place that knows every Redis key, of every capability's store. All keys of a visitor
 * share the hash tag `{v:<visitorId>}`, so a visitor's update is a single-slot script on Redis
 * Cluster; an experiment's counters share `{<experiment>}`. A capability adding keys adds their
 * builders here, so that the hash-tag rule is kept in one place.
 */

const SECONDS_PER_DAY = 86_400;

/** Site-wide counters, active-visitor counts and segment sizes are kept a little over a year. */
export const STATS_RETENTION_SEC = 400 * SECONDS_PER_DAY;

/** Visitor ids reach key names, so they are restricted to a safe alphabet (no `{`, `}` or spaces). */
export const VISITOR_ID_PATTERN = /^[A-Za-z0-9_.:-]{8,128}$/;

export const isValidVisitorId = (value: unknown): value is string =>
  typeof value === 'string' && VISITOR_ID_PATTERN.test(value);

export interface VisitorKeys {
  profile: string;
  windows: string;
  recent: string;
  /** The visitor's latest journey steps (`journeys/journey-step.ts`), newest first, capped. */
  steps: string;
  traits: string;
  segments: string;
  /** Events counted against the per-visitor quota in the current minute. */
  quota: string;
  /** Set when this visitor was merged into another: the other's id. */
  alias: string;
  /** Visitor ids merged into this one. */
  merged: string;
  /** Hashes of the user ids linked to this visitor (their links are erased with it). */
  users: string;
  /** Ids of this visitor's entries in the segment log (erased with it). */
  logEntries: string;
  /** Experiment key -> `<arm>|<epoch s of first exposure>`: the sticky assignment. */
  assignments: string;
  /** `<experiment>|<goal>` -> epoch s of the first conversion: counted once per visitor. */
  conversions: string;
  /** Message-id hashes seen today and yesterday (UTC days), each set living into the day after. */
  dedupToday: string;
  dedupYesterday: string;
}

export const utcDay = (epochSeconds: number): number => Math.floor(epochSeconds / SECONDS_PER_DAY);

export const visitorKeys = (prefix: string, visitorId: string, now: number): VisitorKeys => {
  if (!isValidVisitorId(visitorId)) {
    throw new StoreUsageError(`invalid visitor id ${JSON.stringify(visitorId)}`);
  }
  const tag = `${prefix}{v:${visitorId}}`;
  const today = utcDay(now);
  return {
    profile: `${tag}:p`,
    windows: `${tag}:w`,
    recent: `${tag}:r`,
    steps: `${tag}:j`,
    traits: `${tag}:x`,
    segments: `${tag}:s`,
    quota: `${tag}:q`,
    alias: `${tag}:a`,
    merged: `${tag}:m`,
    users: `${tag}:u`,
    logEntries: `${tag}:l`,
    assignments: `${tag}:e`,
    conversions: `${tag}:ec`,
    dedupToday: `${tag}:d${today}`,
    dedupYesterday: `${tag}:d${today - 1}`,
  };
};

/** The keys of the apply script, in its KEYS order. */
export const applyScriptKeys = (keys: VisitorKeys): string[] => [
  keys.profile,
  keys.windows,
  keys.recent,
  keys.traits,
  keys.segments,
  keys.dedupToday,
  keys.dedupYesterday,
  keys.quota,
  keys.alias,
  keys.steps,
];

/** The keys of a visitor's profile and identity (the profile store's), for erase. */
export const profileVisitorKeys = (keys: VisitorKeys): string[] => [...applyScriptKeys(keys), keys.merged, keys.users];

/**
 * Every key a visitor can have, whichever capability writes it: the profile's, its log entries
 * (segments), its assignments and conversions (experiments). All under one hash tag.
 */
export const allVisitorKeys = (keys: VisitorKeys): string[] => [
  ...profileVisitorKeys(keys),
  keys.logEntries,
  keys.assignments,
  keys.conversions,
];

/** What a visitor merged into another leaves behind of its profile: only its alias. */
export const retiredVisitorKeys = (keys: VisitorKeys): string[] => profileVisitorKeys(keys).filter((key) => key !== keys.alias);

/** An experiment's counters, all under its own hash tag. */
export const experimentKeys = (prefix: string, experiment: string) => ({
  totals: `${prefix}exp:{${experiment}}:totals`,
  daily: `${prefix}exp:{${experiment}}:daily`,
});

/** A user's link to their visitor: `{u:<hmac>}` (its own hash slot). */
export const userKey = (prefix: string, userHash: string): string => `${prefix}{u:${userHash}}`;

/** Site-wide daily counters. */
export const statsKey = (prefix: string, day: number): string => `${prefix}stats:${day}`;

/**
 * A key in the same Redis Cluster slot as `key`, a key without a hash tag (as `keyPrefix` allows
 * no braces): `key` + `suffix` + `{key}`, whose tag is the whole of `key`, which is what `key`'s own
 * slot is computed from. Lets a script write a site-wide key together with a companion.
 */
export const keyBeside = (key: string, suffix: string): string => {
  if (/[{}]/.test(key)) throw new StoreUsageError(`no key can be placed beside ${JSON.stringify(key)}: it has braces`);
  return `${key}${suffix}{${key}}`;
};

/**
 * Per writer (a Strapi process's stats buffer), the last flush applied to a day's site-wide
 * counters: a flush sent again after its reply was lost is skipped instead of counted twice.
 */
export const statsWritersKey = (prefix: string, day: number): string => keyBeside(statsKey(prefix, day), ':writers');

/** Seconds from `now` to the end of the next UTC day: when today's dedup set stops being needed. */
export const dedupTtlSec = (now: number): number => Math.max(1, (utcDay(now) + 2) * SECONDS_PER_DAY - Math.floor(now));

/** Members of a segment: a sorted set of visitor ids scored by when membership was last confirmed. */
export const segmentMembersKey = (prefix: string, segment: string): string => `${prefix}seg:${segment}:members`;

/** Daily sizes of a segment: hash of day -> size. */
export const segmentSizesKey = (prefix: string, segment: string): string => `${prefix}seg:${segment}:sizes`;

/** Entries and exits of segments, a capped stream. */
export const membershipLogKey = (prefix: string): string => `${prefix}segment-log`;

export const engagementCutsKey = (prefix: string): string => `${prefix}engagement:cuts`;

export const lockKey = (prefix: string, name: string): string => `${prefix}lock:${name}`;

/** A shared pass of a job (`coordination/store/shared-pass.ts`): one hash. */
export const passKey = (prefix: string, name: string): string => `${prefix}pass:${name}`;

export const jobStatusKey = (prefix: string, name: string): string => `${prefix}job:${name}`;

export const channelName = (prefix: string, channel: string): string => `${prefix}${channel}`;

/** Change counters of what instances cache (segments, variants, experiments): hash of topic -> count. */
export const changeVersionsKey = (prefix: string): string => `${prefix}changes`;

/** Matches every profile hash, for SCAN; the visitor id is between `{v:` and `}:p`. */
export const profileKeyPattern = (prefix: string): string => `${prefix}{v:*}:p`;

export const visitorIdOfProfileKey = (prefix: string, key: string): string | null => {
  const start = prefix.length + 3;
  return key.startsWith(`${prefix}{v:`) && key.endsWith('}:p') ? key.slice(start, -3) : null;
};

/** Visitors active on a day (HyperLogLog). */
export const activeVisitorsKey = (prefix: string, day: number): string => `${prefix}active:${day}`;

/** Names seen in events, per family. */
export const seenNamesKey = (prefix: string, family: string): string => `${prefix}seen:${family}`;

/**
 * Recommendations: the items a visitor engaged with lately (sorted set: item key -> epoch s of the
 * latest engagement), under the visitor's hash tag, so that erase can delete it in the same
 * single-slot DEL as the rest of the visitor.
 */
export const coEngagementHistoryKey = (prefix: string, visitorId: string): string => {
  if (!isValidVisitorId(visitorId)) throw new StoreUsageError(`invalid visitor id ${JSON.stringify(visitorId)}`);
  return `${prefix}{v:${visitorId}}:ch`;
};

/**
 * Co-engagement of a content type's items lives under one hash tag per content type, `{r:<uid>}`,
 * so that one script writes all of a flush's pairs of that type and one script reads a request's
 * neighbours with their popularity (a Redis Cluster runs scripts on one slot). The price is that a
 * content type's recommendation data sits on one node. Neighbours are a hash per item, popularity
 * sorted sets; members are documentIds (the content type is in the key).
 */
export const itemNeighboursKey = (prefix: string, contentType: string, documentId: string): string => `${prefix}{r:${contentType}}:n:${documentId}`;

/** Decayed count of the steps from one item to each next item (`recommendations/next-steps.ts`). */
export const itemNextStepsKey = (prefix: string, contentType: string, documentId: string): string => `${prefix}{r:${contentType}}:x:${documentId}`;

/**
 * Page paths (`recommendations/page-paths.ts`) live under one hash tag, `{pp}`, so that one script
 * adds a batch's transitions on Redis Cluster too: the tracked pages by decayed transitions out,
 * and per page its next steps. Site-wide sums of page and event names: no visitor in them.
 */
export const trackedPagesKey = (prefix: string): string => `${prefix}{pp}:pages`;
export const pageNextStepsKey = (prefix: string, page: string): string => `${prefix}{pp}:x:${page}`;

/** Decayed engagement per item of a content type: site-wide, or among a segment's members. */
export const itemPopularityKey = (prefix: string, contentType: string, segment: string | null): string =>
  segment === null ? `${prefix}{r:${contentType}}:pop` : `${prefix}{r:${contentType}}:pop:s:${segment}`;

/**
 * Triggers: the queue of checks and deliveries, their records, dead letters, cool-downs and rate
 * counters, all under one hash tag `{trg}`, so that claiming, firing and erasing are single-slot
 * scripts on Redis Cluster. Scripts build the item keys from `base` (`<prefix>{trg}:`).
 */
export const triggerKeys = (prefix: string) => {
  const base = `${prefix}{trg}:`;
  return {
    base,
    queue: `${base}q`,
    recent: `${base}recent`,
    dead: `${base}dead`,
    item: (id: string) => `${base}i:${id}`,
  };
};
