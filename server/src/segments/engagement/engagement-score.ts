import { CORE_FIELDS } from '../../store/profile-fields';
import type { StoredProfile } from '../../store/profile-store';
import { FIELDS, PREFIX } from '../../profiles/profile-fields';

/**
 * One number for "how engaged is this visitor", for `engagement.percentile`. Each signal is
 * log-damped, so that the tenth session adds less than the second and no single heavy signal
 * (a thousand page views from a crawler that slipped through) dominates:
 *   3·ln(1+sessions) + 2·ln(1+page views) + 2·ln(1+dwell minutes) + ln(1+other events)
 */
export const engagementScore = (profile: StoredProfile): number => {
  const { fields } = profile;
  const number = (field: string) => Number(fields[field] ?? 0);
  let events = 0;
  for (const field in fields) if (field.startsWith(PREFIX.event)) events += Number(fields[field]);
  return (
    3 * Math.log1p(number(CORE_FIELDS.sessions)) +
    2 * Math.log1p(number(FIELDS.pageviews)) +
    2 * Math.log1p(number(FIELDS.dwellSeconds) / 60) +
    Math.log1p(events)
  );
};
