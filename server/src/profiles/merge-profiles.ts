import { parseAffinity } from '../store/affinity';
import { AFFINITY_PREFIX, CORE_FIELDS } from '../store/profile-fields';
import type { MergeInstruction, StoredProfile } from '../store/profile-store';
import { FIELDS, PREFIX } from './profile-fields';

/**
 * How a second device's profile (`source`) folds into the user's profile (`target`): counters are
 * summed, first-seen is the earliest and last-seen the latest, affinities are combined with decay,
 * first-session attribution comes from whichever profile started first and latest-session
 * attribution, locale and traits from whichever was active last.
 */

const SUMMED = new Set<string>([CORE_FIELDS.sessions, FIELDS.pageviews, FIELDS.dwellSeconds, FIELDS.scrollSum]);
const SUMMED_PREFIXES = [PREFIX.event, PREFIX.page, PREFIX.category, PREFIX.categoryAction, PREFIX.bounce];
const MAXED = new Set<string>([CORE_FIELDS.lastSeen, CORE_FIELDS.sessionStart, CORE_FIELDS.windowsPrunedDay, FIELDS.scrollMax]);
const MINNED = new Set<string>([CORE_FIELDS.firstSeen]);

const numberField = (profile: StoredProfile | null, field: string): number | undefined => {
  const value = profile?.fields[field];
  return value === undefined ? undefined : Number(value);
};

export const mergeInstruction = (target: StoredProfile | null, source: StoredProfile): MergeInstruction => {
  const merge: MergeInstruction = {
    sum: {},
    max: {},
    min: {},
    set: {},
    setIfAbsent: {},
    affinity: {},
    windows: { ...source.windows },
    recent: source.recent,
    steps: source.steps,
    traits: source.traits,
    traitsWin: false,
  };
  const sourceStartedFirst =
    (numberField(source, CORE_FIELDS.firstSeen) ?? Infinity) < (numberField(target, CORE_FIELDS.firstSeen) ?? Infinity);
  const sourceActiveLast =
    (numberField(source, CORE_FIELDS.lastSeen) ?? -Infinity) > (numberField(target, CORE_FIELDS.lastSeen) ?? -Infinity);
  merge.traitsWin = sourceActiveLast;

  for (const [field, value] of Object.entries(source.fields)) {
    if (SUMMED.has(field) || SUMMED_PREFIXES.some((prefix) => field.startsWith(prefix))) {
      merge.sum[field] = Number(value);
    } else if (MAXED.has(field)) {
      merge.max[field] = Number(value);
    } else if (MINNED.has(field)) {
      merge.min[field] = Number(value);
    } else if (field.startsWith(AFFINITY_PREFIX)) {
      const affinity = parseAffinity(value);
      if (affinity) merge.affinity[field.slice(AFFINITY_PREFIX.length)] = [affinity.score, affinity.at];
    } else {
      const sourceWins = field.startsWith(PREFIX.firstSession) ? sourceStartedFirst : sourceActiveLast;
      (sourceWins ? merge.set : merge.setIfAbsent)[field] = value;
    }
  }
  return merge;
};
