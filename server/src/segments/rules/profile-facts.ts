import { utcDay } from '../../store/keys';
import { CORE_FIELDS, HOUR_BUCKET_PREFIX } from '../../store/profile-fields';
import type { StoredProfile } from '../../store/profile-store';
import { FIELDS } from '../../profiles/profile-fields';
import { topicShareMap } from '../../profiles/profile-view';
import { stepsInTimeOrder, type JourneyStep } from '../../journeys/journey-step';

export interface EvaluationInput {
  profile: StoredProfile;
  /** Epoch seconds. */
  now: number;
  affinityHalfLifeSec: number;
  /** The inactivity that ends a session (the profile update settings'): what a sequence "within session" allows between steps. */
  sessionGapSec: number;
  /** The visitor's engagement percentile (0-100), computed only if a rule asks for it. */
  engagementPercentile?: () => number | undefined;
}

const DAY = 86_400;

/**
 * Facts of one profile, read straight from its stored form; the costly ones (topic shares,
 * windowed sums, the percentile) are computed at most once per evaluation, however many segments
 * ask for them.
 */
export class ProfileFacts {
  private shares?: Map<string, number>;

  private readonly windowSums = new Map<string, number>();

  /** `d|<counter>` and `h|<counter>` -> [day or hour, count] pairs, parsed from the buckets on first use. */
  private buckets?: Map<string, [number, number][]>;

  private parsedTraits?: Map<string, unknown>;

  private percentile?: { value: number | undefined };

  private journey?: JourneyStep[];

  constructor(readonly input: EvaluationInput) {}

  /** A counter; a counter never incremented is 0. */
  count(field: string): number {
    const raw = this.input.profile.fields[field];
    return raw === undefined ? 0 : Number(raw);
  }

  text(field: string): string | undefined {
    return this.input.profile.fields[field] || undefined;
  }

  daysSince(field: string): number | undefined {
    const raw = this.input.profile.fields[field];
    return raw === undefined ? undefined : Math.floor(Math.max(0, this.input.now - Number(raw)) / DAY);
  }

  /** A time stored in epoch seconds, in ms (as rule dates compare). */
  instant(field: string): number | undefined {
    const raw = this.input.profile.fields[field];
    return raw === undefined ? undefined : Number(raw) * 1000;
  }

  scrollMean(): number {
    const pageviews = this.count(FIELDS.pageviews);
    return pageviews > 0 ? Math.min(100, Math.round(this.count(FIELDS.scrollSum) / pageviews)) : 0;
  }

  topic(name: string): number {
    this.shares ??= topicShareMap(this.input.profile.fields, this.input.now, this.input.affinityHalfLifeSec);
    return this.shares.get(name) ?? 0;
  }

  /**
   * Sum of a counter over a window: `d` counts today and the `size - 1` UTC days before it (calendar
   * days, from daily buckets); `h` counts the last `size` hours, rolling (from hourly buckets).
   */
  windowed(counter: string, size: number, unit: 'd' | 'h'): number {
    const memoKey = `${size}${unit}|${counter}`;
    const memo = this.windowSums.get(memoKey);
    if (memo !== undefined) return memo;
    if (!this.buckets) {
      this.buckets = new Map();
      for (const key in this.input.profile.windows) {
        const colon = key.indexOf(':');
        if (colon < 0) continue; // not a bucket of a counter (the activity histogram)
        const period = key.slice(0, colon);
        const hourly = period.startsWith(HOUR_BUCKET_PREFIX);
        const name = `${hourly ? 'h' : 'd'}|${key.slice(colon + 1)}`;
        const entry: [number, number] = [Number(hourly ? period.slice(HOUR_BUCKET_PREFIX.length) : period), this.input.profile.windows[key]];
        const list = this.buckets.get(name);
        if (list) list.push(entry);
        else this.buckets.set(name, [entry]);
      }
    }
    // An hour window starts `size` hours ago: the current hour's bucket holds part of an hour.
    const from = unit === 'd' ? utcDay(this.input.now) - size + 1 : Math.floor((this.input.now - size * 3600) / 3600) + 1;
    let total = 0;
    for (const [period, count] of this.buckets.get(`${unit}|${counter}`) ?? []) if (period >= from) total += count;
    this.windowSums.set(memoKey, total);
    return total;
  }

  trait(key: string): unknown {
    if (!this.parsedTraits) {
      // A Map, so that no key (`constructor`, `toString`) reads something the profile never held.
      this.parsedTraits = new Map();
      for (const [name, raw] of Object.entries(this.input.profile.traits)) {
        try {
          this.parsedTraits.set(name, JSON.parse(raw));
        } catch {
          this.parsedTraits.set(name, raw);
        }
      }
    }
    return this.parsedTraits.get(key);
  }

  identified(): boolean {
    return Boolean(this.input.profile.fields[CORE_FIELDS.userHash]);
  }

  recent(): string[] {
    return this.input.profile.recent;
  }

  /** The recorded journey steps, oldest first, decoded on first use (unreadable ones dropped). */
  steps(): readonly JourneyStep[] {
    this.journey ??= stepsInTimeOrder(this.input.profile.steps);
    return this.journey;
  }

  engagementPercentile(): number | undefined {
    this.percentile ??= { value: this.input.engagementPercentile?.() };
    return this.percentile.value;
  }
}
