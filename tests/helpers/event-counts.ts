import type { Redis } from 'ioredis';

/**
 * How the load tests check "no loss, no double count": senders keep the distinct events they sent
 * per visitor (page views and `Clip Played` tracks), and afterwards every counter Redis holds of
 * them must equal those, exactly. Read straight from Redis (default key prefix), so that it works
 * the same against an app in jest's process or in its own.
 */

/** The one track event the load tests send. */
export const TRACKED_EVENT = 'Clip Played';

/** Distinct events of each kind. */
export interface EventCounts {
  pages: number;
  tracks: number;
}

export const sumCounts = (counts: Iterable<EventCounts>): EventCounts => {
  const sum = { pages: 0, tracks: 0 };
  for (const { pages, tracks } of counts) {
    sum.pages += pages;
    sum.tracks += tracks;
  }
  return sum;
};

/** What a visitor's profile counts of those events: its counters. */
export const heldInProfile = async (client: Redis, id: string): Promise<EventCounts> => {
  const [pages, tracks] = await client.hmget(`psn:{v:${id}}:p`, 'pv', `e:${TRACKED_EVENT}`);
  return { pages: Number(pages ?? 0), tracks: Number(tracks ?? 0) };
};

/**
 * Every count of those events a visitor holds: the profile's counters, the same counters' daily
 * buckets (what windowed rules read) summed over the days, and the events per hour of the week.
 */
export const heldByVisitor = async (client: Redis, id: string) => {
  const windows = await client.hgetall(`psn:{v:${id}}:w`);
  const sumOf = (pattern: RegExp) => Object.entries(windows).reduce((sum, [field, value]) => sum + (pattern.test(field) ? Number(value) : 0), 0);
  return {
    counters: await heldInProfile(client, id),
    daily: { pages: sumOf(/^\d+:pv$/), tracks: sumOf(new RegExp(`^\\d+:e:${TRACKED_EVENT}$`)) },
    byHourOfWeek: sumOf(/^w\d+$/),
  };
};

/** What `heldByVisitor` must read for a visitor that was sent `sent`. */
export const expectedOfVisitor = (sent: EventCounts): Awaited<ReturnType<typeof heldByVisitor>> => ({
  counters: sent,
  daily: sent,
  byHourOfWeek: sent.pages + sent.tracks,
});

/**
 * The site-wide counts of today and yesterday (in case a run crosses midnight UTC), as Redis holds
 * them: events per type, events skipped as duplicates, every other counter by name, and active
 * visitors (a HyperLogLog per day: an estimate, about 1 % off, and a visitor active on both days
 * counts twice).
 */
export const siteCounts = async (client: Redis) => {
  const today = Math.floor(Date.now() / 86_400_000);
  const days = [today - 1, today];
  const counters: Record<string, number> = {};
  for (const day of await Promise.all(days.map((day) => client.hgetall(`psn:stats:${day}`)))) {
    for (const [name, value] of Object.entries(day)) counters[name] = (counters[name] ?? 0) + Number(value);
  }
  const active = await Promise.all(days.map((day) => client.pfcount(`psn:active:${day}`)));
  return {
    pages: counters['events:page'] ?? 0,
    tracks: counters['events:track'] ?? 0,
    duplicates: counters.duplicates ?? 0,
    activeVisitors: active[0] + active[1],
    counters,
  };
};
