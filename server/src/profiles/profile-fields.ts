/**
 * Field names of the profile hash written by ingest (the store's own fields are in
 * `store/profile-fields.ts`). Short names keep a profile small: every byte is paid per visitor.
 */
export const FIELDS = {
  pageviews: 'pv',
  /** Total visible dwell time, seconds. */
  dwellSeconds: 'dw',
  /** Deepest scroll seen on any page, percent. */
  scrollMax: 'sx',
  /** Sum over page views of each page's deepest scroll; the mean is this / pageviews. */
  scrollSum: 'su',
  locale: 'loc',
} as const;

/** Prefixes of open-ended counter families. */
export const PREFIX = {
  /** Track events by name: `e:Video Played`. */
  event: 'e:',
  /** Named page views: `pn:Pricing`. */
  page: 'pn:',
  /** Events by category: `c:video`. */
  category: 'c:',
  /** Events by category and action: `ca:video/play`. */
  categoryAction: 'ca:',
  /** Bounces by topic: `b:Sci-Fi`, page views of an entry with that topic left quickly untouched (`ingest/bounce.ts`). */
  bounce: 'b:',
  /** Attribution of the first session: `a0:us` (utm source). */
  firstSession: 'a0:',
  /** Attribution of the latest session. */
  latestSession: 'a1:',
} as const;

/** Attribution fields under `a0:` / `a1:`. */
export const ATTRIBUTION = {
  utmSource: 'us',
  utmMedium: 'um',
  utmCampaign: 'uc',
  referrerHost: 'rh',
  deviceType: 'dv',
} as const;

/** Longest counter name kept; longer names are cut so fields stay within Redis's listpack limit. */
export const MAX_NAME_LENGTH = 60;

export const clipName = (name: string): string => name.trim().slice(0, MAX_NAME_LENGTH);
