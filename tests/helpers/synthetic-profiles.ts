import { seededRandom, type Random } from '../../server/src/clusters/seeded-random';
import type { StoredProfile } from '../../server/src/store/profile-store';

/**
 * Stored profiles drawn from a few planted kinds of visitor, for the clustering tests and benchmark:
 * each kind has its own typical activity, and every count is spread around it (log-normal, as real
 * counts are), so that k-means has something real to find and the test knows the answer.
 */
export interface Archetype {
  name: string;
  pageviews: number;
  sessions: number;
  dwellPerPage: number;
  scroll: number;
  video: number;
  cartAdds: number;
  orders: number;
  daysAway: number;
  mobile: number;
  /** Topic -> milli-score. */
  topics: Record<string, number>;
}

export const ARCHETYPES: Archetype[] = [
  { name: 'video-lovers', pageviews: 12, sessions: 4, dwellPerPage: 40, scroll: 40, video: 10, cartAdds: 0, orders: 0, daysAway: 2, mobile: 0.9, topics: { 'Sci-Fi': 6000, Action: 2000 } },
  { name: 'shoppers', pageviews: 25, sessions: 6, dwellPerPage: 20, scroll: 60, video: 0, cartAdds: 4, orders: 2, daysAway: 5, mobile: 0.2, topics: { Comedy: 2000 } },
  { name: 'readers', pageviews: 30, sessions: 8, dwellPerPage: 150, scroll: 90, video: 0, cartAdds: 0, orders: 0, daysAway: 1, mobile: 0.1, topics: { Drama: 7000 } },
  { name: 'bouncers', pageviews: 1, sessions: 1, dwellPerPage: 5, scroll: 10, video: 0, cartAdds: 0, orders: 0, daysAway: 40, mobile: 0.6, topics: {} },
];

const DAY = 86_400;

const gaussian = (random: Random) => Math.sqrt(-2 * Math.log(1 - random())) * Math.cos(2 * Math.PI * random());

/** A count spread around `typical` (log-normal, σ = 0.35), 0 stays 0. */
const around = (typical: number, random: Random) => (typical === 0 ? 0 : Math.max(1, Math.round(typical * Math.exp(0.35 * gaussian(random)))));

export const syntheticProfile = (archetype: Archetype, now: number, random: Random): StoredProfile => {
  const pageviews = around(archetype.pageviews, random);
  const sessions = Math.min(pageviews, around(archetype.sessions, random));
  const lastSeen = now - Math.round(around(archetype.daysAway, random) * DAY * random());
  const fields: Record<string, string> = {
    fs: String(lastSeen - around(archetype.sessions * 3, random) * DAY),
    ls: String(lastSeen),
    ss: String(lastSeen),
    sn: String(sessions),
    pv: String(pageviews),
    dw: String(around(archetype.dwellPerPage * pageviews, random)),
    sx: String(Math.min(100, around(archetype.scroll, random))),
    su: String(Math.min(100, around(archetype.scroll, random)) * pageviews),
    'a1:dv': random() < archetype.mobile ? 'mobile' : 'desktop',
  };
  const video = around(archetype.video, random);
  if (video > 0) fields['e:Video Playback Started'] = String(video);
  const adds = around(archetype.cartAdds, random);
  if (adds > 0) fields['e:Product Added'] = String(adds);
  const orders = around(archetype.orders, random);
  if (orders > 0) fields['e:Order Completed'] = String(orders);
  if (pageviews > 3) fields['e:Link Clicked'] = String(around(pageviews / 3, random));
  for (const [topic, score] of Object.entries(archetype.topics)) fields[`t:${topic}`] = `${around(score, random)}|${lastSeen}`;
  // A little interest elsewhere, as real visitors have.
  fields['t:Documentary'] = `${around(300, random)}|${lastSeen}`;
  return { fields, windows: {}, recent: [], steps: [], traits: {}, segments: [] };
};

/** `count` profiles, archetypes in turn (visitor i is of ARCHETYPES[i % n]); deterministic for a seed. */
export const syntheticProfiles = (count: number, now: number, seed = 1, archetypes = ARCHETYPES): { visitorId: string; archetype: string; profile: StoredProfile }[] => {
  const random = seededRandom(seed);
  return Array.from({ length: count }, (_, i) => {
    const archetype = archetypes[i % archetypes.length];
    return { visitorId: `v${i}`, archetype: archetype.name, profile: syntheticProfile(archetype, now, random) };
  });
};
