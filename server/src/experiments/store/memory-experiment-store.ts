import { utcDay } from '../../store/keys';
import { assertVisitorId, type MemoryKeyspace } from '../../store/memory/memory-keyspace';
import { conversionCounters, exposureCounters, type Assignment, type ExperimentCounters, type ExperimentStore } from './experiment-store';

export class MemoryExperimentStore implements ExperimentStore {
  /** visitor -> experiment -> assignment. */
  private readonly assignments;

  /** visitor -> `<experiment>|<goal>` -> epoch s of the first conversion. */
  private readonly conversions;

  /** experiment -> totals and daily counters. */
  private readonly experiments = new Map<string, { totals: Map<string, number>; daily: Map<string, number> }>();

  constructor(private readonly keyspace: MemoryKeyspace) {
    this.assignments = keyspace.expiring<Map<string, Assignment>>();
    this.conversions = keyspace.expiring<Map<string, number>>();
  }

  async readAssignments(visitorId: string): Promise<Record<string, Assignment>> {
    assertVisitorId(visitorId);
    return Object.fromEntries(this.assignments.get(visitorId) ?? []);
  }

  async recordExposure(visitorId: string, experiment: string, arm: string, now: number, retentionSec: number): Promise<boolean> {
    assertVisitorId(visitorId);
    if (!this.keyspace.visitors.get(visitorId)?.state.fields.size) return false;
    const assignments = this.assignments.get(visitorId) ?? new Map<string, Assignment>();
    this.assignments.set(visitorId, assignments, retentionSec);
    if (assignments.has(experiment)) return false;
    assignments.set(experiment, { arm, at: Math.floor(now) });
    this.count(experiment, now, exposureCounters(arm));
    return true;
  }

  async recordConversion(visitorId: string, experiment: string, arm: string, goal: string, now: number, retentionSec: number): Promise<boolean> {
    assertVisitorId(visitorId);
    const conversions = this.conversions.get(visitorId) ?? new Map<string, number>();
    this.conversions.set(visitorId, conversions, retentionSec);
    const marker = `${experiment}|${goal}`;
    const first = !conversions.has(marker);
    if (first) conversions.set(marker, Math.floor(now));
    this.count(experiment, now, conversionCounters(goal, arm, first));
    return first;
  }

  async experimentCounters(experiment: string): Promise<ExperimentCounters> {
    const counters = this.experiments.get(experiment);
    return { totals: Object.fromEntries(counters?.totals ?? []), daily: Object.fromEntries(counters?.daily ?? []) };
  }

  async deleteExperimentData(experiment: string): Promise<void> {
    this.experiments.delete(experiment);
  }

  async forgetVisitors(visitorIds: readonly string[]): Promise<boolean> {
    let held = false;
    for (const visitorId of visitorIds) {
      held = this.assignments.get(visitorId) !== undefined || this.conversions.get(visitorId) !== undefined || held;
      this.assignments.delete(visitorId);
      this.conversions.delete(visitorId);
    }
    return held;
  }

  private count(experiment: string, now: number, counters: string[]): void {
    const entry = this.experiments.get(experiment) ?? { totals: new Map<string, number>(), daily: new Map<string, number>() };
    const day = utcDay(now);
    for (const counter of counters) {
      entry.totals.set(counter, (entry.totals.get(counter) ?? 0) + 1);
      entry.daily.set(`${day}|${counter}`, (entry.daily.get(`${day}|${counter}`) ?? 0) + 1);
    }
    this.experiments.set(experiment, entry);
  }
}
