import { AFFINITY_PREFIX, AFFINITY_SCALE, CORE_FIELDS as F } from '../profile-fields';
import { utcDay } from '../keys';
import type { EventUpdate, UpdateSettings } from '../profile-store';

/**
 * The memory twin of `store/redis/apply-updates-script.ts`: the same rules over plain maps. The
 * store contract suite holds the two to the same behaviour, so change both together.
 */

export interface VisitorState {
  fields: Map<string, string>;
  windows: Map<string, number>;
  recent: string[];
  traits: Map<string, string>;
  segments: string | null;
}

export interface DedupState {
  /** Message-id hashes by UTC day; only today and yesterday are consulted. */
  byDay: Map<number, Set<number>>;
}

export const newVisitorState = (): VisitorState => ({
  fields: new Map(),
  windows: new Map(),
  recent: [],
  traits: new Map(),
  segments: null,
});

const decay = (score: number, from: number, to: number, halfLifeSec: number): number =>
  score * Math.exp((-Math.LN2 * (to - from)) / halfLifeSec);

/** Applies the batch to `state` and `dedup` in place; returns how many events were new and repeated. */
export const applyUpdates = (
  state: VisitorState,
  dedup: DedupState,
  events: EventUpdate[],
  settings: UpdateSettings,
  now: number
): { accepted: number; duplicates: number } => {
  const { fields } = state;
  const today = utcDay(now);
  const oldestDay = today - settings.windowDays;
  let accepted = 0;
  let duplicates = 0;

  const room = (field: string) => fields.size < settings.maxFields || fields.has(field);
  const put = (field: string, value: string) => {
    if (room(field)) fields.set(field, value);
  };
  const add = (field: string, delta: number) => {
    if (room(field)) fields.set(field, String(Number(fields.get(field) ?? 0) + delta));
  };
  const num = (field: string): number | undefined => {
    const value = fields.get(field);
    return value === undefined ? undefined : Number(value);
  };

  for (const dayKey of dedup.byDay.keys()) {
    if (dayKey < today - 1) dedup.byDay.delete(dayKey);
  }
  const seenToday = dedup.byDay.get(today) ?? new Set<number>();
  const seenYesterday = dedup.byDay.get(today - 1);

  for (const event of events) {
    if (event.dedup !== undefined) {
      if (seenToday.has(event.dedup) || seenYesterday?.has(event.dedup)) {
        duplicates += 1;
        continue;
      }
      seenToday.add(event.dedup);
      dedup.byDay.set(today, seenToday);
    }
    accepted += 1;
    const { ts } = event;
    const lastSeen = num(F.lastSeen);
    const opensSession = lastSeen === undefined || ts - lastSeen > settings.sessionGapSec;
    if (lastSeen === undefined || ts > lastSeen) put(F.lastSeen, String(ts));
    const firstSeen = num(F.firstSeen);
    if (firstSeen === undefined || ts < firstSeen) put(F.firstSeen, String(ts));
    if (opensSession) {
      add(F.sessions, 1);
      put(F.sessionStart, String(ts));
      for (const [field, value] of Object.entries(event.setOnSessionStart ?? {})) put(field, value);
    }
    for (const [field, delta] of Object.entries(event.incr ?? {})) add(field, delta);
    for (const [field, value] of Object.entries(event.max ?? {})) {
      const current = num(field);
      if (current === undefined || value > current) put(field, String(value));
    }
    for (const [field, value] of Object.entries(event.setOnce ?? {})) {
      if (!fields.has(field)) put(field, value);
    }
    for (const [field, value] of Object.entries(event.set ?? {})) put(field, value);
    for (const [topic, weight] of Object.entries(event.affinity ?? {})) {
      const field = AFFINITY_PREFIX + topic;
      const stored = fields.get(field)?.match(/^(\d+)\|(\d+)$/);
      const score = stored ? Number(stored[1]) / AFFINITY_SCALE : 0;
      const at = stored ? Number(stored[2]) : ts;
      const ref = Math.max(at, ts);
      const value =
        decay(score, at, ref, settings.affinityHalfLifeSec) +
        decay(weight, ts, ref, settings.affinityHalfLifeSec);
      put(field, `${Math.floor(value * AFFINITY_SCALE + 0.5)}|${ref}`);
    }
    const day = utcDay(ts);
    if (day >= oldestDay) {
      for (const [counter, delta] of Object.entries(event.windowed ?? {})) {
        const key = `${day}:${counter}`;
        state.windows.set(key, (state.windows.get(key) ?? 0) + delta);
      }
    }
    if (event.recentItem !== undefined) {
      const item = event.recentItem;
      state.recent = [item, ...state.recent.filter((other) => other !== item)].slice(
        0,
        settings.recentCap
      );
    }
    for (const [key, value] of Object.entries(event.traits ?? {})) state.traits.set(key, value);
  }

  if (accepted > 0 && (num(F.windowsPrunedDay) ?? 0) < today) {
    for (const key of state.windows.keys()) {
      const day = Number(key.slice(0, key.indexOf(':')));
      if (day < oldestDay) state.windows.delete(key);
    }
    put(F.windowsPrunedDay, String(today));
  }
  return { accepted, duplicates };
};
