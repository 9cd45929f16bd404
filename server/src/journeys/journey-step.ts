/**
 * One step of a visitor's journey, as the profile records it (a short list, newest first, see
 * `profiles/`) and as sequence rules and funnels match it (`step-spec.ts`). Pure.
 *
 * A step is a page (or screen) view or a track event, with what it was about: its category, and
 * the entry it pointed at (`properties.contentType` + `documentId`) through that entry's content
 * type and topics. Names and topics are already clipped and free of personal data when a step is
 * built (ingest does that for every name a profile keeps).
 */
export interface JourneyStep {
  /** Epoch seconds. */
  ts: number;
  /** A page or screen view (`name`: the page's name, '' when it has none), or a track event (`name`: the event's). */
  kind: 'page' | 'event';
  name: string;
  category?: string;
  /** Content type uid of the entry the step was about, e.g. `api::article.article`. */
  contentType?: string;
  topics?: string[];
}

/** Topics kept per recorded step: enough to match a topic step, few enough to keep a profile near 2 KB. */
export const MAX_STEP_TOPICS = 3;

const KIND_CODE = { page: 'p', event: 'e' } as const;

/** `api::movie.movie`, the uid Strapi gives a content type made in the admin: stored as its model name. */
const USUAL_UID = /^api::([^.:]+)\.\1$/;

/** The stored content type: the model name for the usual `api::<x>.<x>` uid, any other uid whole. */
const storedContentType = (uid: string): string => USUAL_UID.exec(uid)?.[1] ?? uid;

/** Back from the stored form: a bare model name is the usual uid (a uid always holds `::`). */
const contentTypeUid = (stored: string): string => (stored.includes('::') ? stored : `api::${stored}.${stored}`);

/**
 * The stored form: a JSON array `[ts, "p"|"e", name, category, contentType, ...topics]`, with ''
 * for what is absent and the trailing empty fields dropped; the content type as its model name
 * when its uid is the usual `api::<x>.<x>`. JSON because every part is free text; an array because
 * field names would double the bytes of a step. The time stays a plain number at the head:
 * `interleave-steps.ts` and the merge script read it without parsing the rest. Older records (all
 * five leading fields, full uids) still decode.
 */
export const encodeStep = (step: JourneyStep): string => {
  const parts: (number | string)[] = [
    step.ts,
    KIND_CODE[step.kind],
    step.name,
    step.category ?? '',
    step.contentType ? storedContentType(step.contentType) : '',
    ...(step.topics ?? []).slice(0, MAX_STEP_TOPICS),
  ];
  while (parts.length > 3 && parts[parts.length - 1] === '') parts.pop();
  return JSON.stringify(parts);
};

/** A stored page step with a name, told from the head of its stored form without parsing it. */
const NAMED_PAGE_HEAD = /^\[\d+,"p","[^"]/;

/**
 * Whether a stored step is a page view with a name: what page paths start from. Cheap enough to
 * ask of every step ingest records, so that only those that can be part of a path are decoded.
 */
export const isNamedPageStep = (stored: string): boolean => NAMED_PAGE_HEAD.test(stored);

/** The step a stored string holds; undefined for anything else (a profile is never trusted blindly). */
export const decodeStep = (stored: string): JourneyStep | undefined => {
  let parts: unknown;
  try {
    parts = JSON.parse(stored);
  } catch {
    return undefined;
  }
  if (!Array.isArray(parts) || parts.length < 3) return undefined;
  const [ts, kind, name, category = '', contentType = '', ...topics] = parts as unknown[];
  if (typeof ts !== 'number' || !Number.isFinite(ts) || (kind !== 'p' && kind !== 'e')) return undefined;
  if (typeof name !== 'string' || typeof category !== 'string' || typeof contentType !== 'string') return undefined;
  const step: JourneyStep = { ts, kind: kind === 'p' ? 'page' : 'event', name };
  if (category) step.category = category;
  if (contentType) step.contentType = contentTypeUid(contentType);
  const kept = topics.filter((topic): topic is string => typeof topic === 'string' && topic.length > 0);
  if (kept.length > 0) step.topics = kept;
  return step;
};

/** Stored steps (newest first, as the profile keeps them) in time order, oldest first; unreadable ones dropped. */
export const stepsInTimeOrder = (stored: readonly string[]): JourneyStep[] => {
  const steps: JourneyStep[] = [];
  for (let index = stored.length - 1; index >= 0; index--) {
    const step = decodeStep(stored[index]);
    if (step) steps.push(step);
  }
  // Merged devices and late events can record out of order; a stable sort keeps same-second steps as recorded.
  return steps.sort((a, b) => a.ts - b.ts);
};
