import { hourOfWeek } from '../../triggers/active-hour';
import { ACTIVITY_BUCKET_PREFIX, CORE_FIELDS as F, HOUR_BUCKET_PREFIX, HOURLY_WINDOW_HOURS } from '../profile-fields';
import { utcDay } from '../keys';
import { advanceFunnel, decodeProgress, encodeProgress, funnelField, type FunnelProgress } from '../../funnels/funnel-progress';
import type { EventUpdate, FunnelReached, FunnelWindow, UpdateSettings } from '../profile-store';
import { profileHash } from './profile-hash';
import { addToWindow, setTrait, type DedupState, type VisitorState } from './visitor-state';

/**
 * The memory twin of `store/redis/apply-updates-script.ts`: the same rules over plain maps. The
 * store contract suite holds the two to the same behaviour, so change both together.
 */
export const applyUpdates = (
  state: VisitorState,
  dedup: DedupState,
  events: EventUpdate[],
  settings: UpdateSettings,
  now: number,
  funnels: readonly FunnelWindow[] = []
): { accepted: number; duplicates: number; applied: boolean[]; reached: FunnelReached[]; previousStep?: string } => {
  const hash = profileHash(state.fields, settings.maxFields, settings.affinityHalfLifeSec);
  const today = utcDay(now);
  const oldestDay = today - settings.windowDays;
  const oldestHour = Math.floor(now / 3600) - HOURLY_WINDOW_HOURS;
  const hourly = new Set(settings.hourlyCounters);
  const countInWindow = (ts: number, counter: string, delta: number) => {
    const day = utcDay(ts);
    if (day >= oldestDay) addToWindow(state, `${day}:${counter}`, delta, settings.maxWindowBuckets);
    const hour = Math.floor(ts / 3600);
    if (hourly.has(counter) && hour >= oldestHour) addToWindow(state, `${HOUR_BUCKET_PREFIX}${hour}:${counter}`, delta, settings.maxWindowBuckets);
  };
  let accepted = 0;
  let duplicates = 0;
  const applied: boolean[] = [];
  const reached: FunnelReached[] = [];
  /** The batch's funnels by index, in the order first met: progress read once, written once. */
  const funnelProgress = new Map<number, { now: FunnelProgress | undefined; changed: boolean; reached: FunnelReached[] }>();
  const head = state.steps[0];
  let recordedStep = false;

  for (const dayKey of dedup.byDay.keys()) {
    if (dayKey < today - 1) dedup.byDay.delete(dayKey);
  }
  const seenToday = dedup.byDay.get(today) ?? new Set<number>();
  const seenYesterday = dedup.byDay.get(today - 1);

  for (const event of events) {
    if (event.dedup !== undefined) {
      if (seenToday.has(event.dedup) || seenYesterday?.has(event.dedup)) {
        duplicates += 1;
        applied.push(false);
        continue;
      }
      seenToday.add(event.dedup);
      dedup.byDay.set(today, seenToday);
    }
    accepted += 1;
    applied.push(true);
    const { ts } = event;
    addToWindow(state, `${ACTIVITY_BUCKET_PREFIX}${hourOfWeek(ts)}`, 1, settings.maxWindowBuckets);
    const lastSeen = hash.num(F.lastSeen);
    const opensSession = lastSeen === undefined || ts - lastSeen > settings.sessionGapSec;
    if (lastSeen === undefined || ts > lastSeen) hash.put(F.lastSeen, String(ts));
    hash.putMin(F.firstSeen, ts);
    if (opensSession) {
      hash.add(F.sessions, 1);
      hash.put(F.sessionStart, String(ts));
      countInWindow(ts, F.sessions, 1);
      for (const [field, value] of Object.entries(event.setOnSessionStart ?? {})) hash.put(field, value);
    }
    for (const [field, delta] of Object.entries(event.incr ?? {})) hash.add(field, delta);
    for (const [field, value] of Object.entries(event.max ?? {})) hash.putMax(field, value);
    for (const [field, value] of Object.entries(event.setOnce ?? {})) hash.putIfAbsent(field, value);
    for (const [field, value] of Object.entries(event.set ?? {})) hash.put(field, value);
    for (const [topic, weight] of Object.entries(event.affinity ?? {})) hash.addAffinity(topic, weight, ts);
    for (const [counter, delta] of Object.entries(event.windowed ?? {})) countInWindow(ts, counter, delta);
    if (event.recentItem !== undefined) {
      const item = event.recentItem;
      state.recent = [item, ...state.recent.filter((other) => other !== item)].slice(0, settings.recentCap);
    }
    for (const [key, value] of Object.entries(event.traits ?? {})) setTrait(state, key, value, settings.maxTraits);
    const hits = event.funnels ?? [];
    for (let at = 0; at + 1 < hits.length; at += 2) {
      const funnel = funnels[hits[at]];
      if (!funnel) continue;
      let progress = funnelProgress.get(hits[at]);
      if (!progress) funnelProgress.set(hits[at], (progress = { now: decodeProgress(state.fields.get(funnelField(funnel.key))), changed: false, reached: [] }));
      const next = advanceFunnel(progress.now, ts, hits[at + 1], funnel.windowSec);
      if (!next) continue;
      progress.now = next.progress;
      progress.changed = true;
      if (next.reached) progress.reached.push({ funnel: funnel.key, ...next.reached });
    }
    if (event.step !== undefined && settings.journeySteps > 0) {
      state.steps.unshift(event.step);
      recordedStep = true;
    }
  }
  // Trimmed once per batch, as the script does; a record turned off (0) goes with the next batch.
  if (accepted > 0) state.steps = state.steps.slice(0, settings.journeySteps);

  // Each funnel's progress is written once, after the events (as the script does).
  for (const [index, progress] of funnelProgress) {
    if (!progress.changed || !progress.now) continue;
    const field = funnelField(funnels[index].key);
    hash.put(field, encodeProgress(progress.now));
    // A progress the field cap left unstored counts nothing: it would count again at every event.
    if (state.fields.has(field)) reached.push(...progress.reached);
  }

  if (accepted > 0 && (hash.num(F.windowsPrunedDay) ?? 0) < today) {
    for (const key of state.windows.keys()) {
      const period = key.slice(0, key.indexOf(':'));
      const stale = period.startsWith(HOUR_BUCKET_PREFIX) ? Number(period.slice(HOUR_BUCKET_PREFIX.length)) < oldestHour : Number(period) < oldestDay;
      if (stale) state.windows.delete(key);
    }
    hash.put(F.windowsPrunedDay, String(today));
  }
  return { accepted, duplicates, applied, reached, ...(recordedStep && head !== undefined ? { previousStep: head } : {}) };
};
