import { compileRules, type Predicate } from '../segments/rules/compile-rules';
import type { RuleNode } from '../segments/rules/rule-schema';
import { durationSec } from '../shared/duration';
import { compileFilters, type PropertyFilter } from './property-filter';
import type { TriggerActions, TriggerCondition } from './trigger-input';

/** The event the tracker's visible-time heartbeats (and page-hide reports) send; `total`: seconds on this page. */
export const DWELL_EVENT = 'Dwell Time';

/** An event as the matcher sees it: validated, with its time. */
export interface TimedEvent {
  type: string;
  event?: string;
  messageId?: string;
  properties?: Record<string, unknown>;
  /** Epoch seconds. */
  ts: number;
}

export type EventTest = (event: TimedEvent) => boolean;

/** A stored trigger, as kept by the plugin. */
export interface TriggerRecord {
  slug: string;
  name: string;
  enabled: boolean;
  condition: TriggerCondition;
  audience?: RuleNode | null;
  actions: TriggerActions;
  cooldown: string;
  maxPerMinute?: number | null;
}

/** A trigger made ready for the ingest path: tests compiled once, durations in seconds. */
export interface CompiledTrigger {
  slug: string;
  record: TriggerRecord;
  cooldownSec: number;
  /** The event that fires it (`event`, `dwell`) or arms it (`absence`). */
  starts?: EventTest;
  /** `absence`: the event that disarms it, and the wait. */
  unless?: EventTest;
  withinSec?: number;
  /** `segment`: the membership change that fires it. */
  segment?: { slug: string; change: 'enter' | 'leave' };
  audience?: Predicate;
}

const eventTest = (name: string, where: readonly PropertyFilter[] | undefined): EventTest => {
  const filters = compileFilters(where);
  return (event) => event.type === 'track' && event.event === name && filters(event.properties);
};

export const compileTrigger = (record: TriggerRecord): CompiledTrigger => {
  const base = {
    slug: record.slug,
    record,
    cooldownSec: durationSec(record.cooldown) ?? 86_400,
    ...(record.audience ? { audience: compileRules(record.audience) } : {}),
  };
  const { condition } = record;
  switch (condition.type) {
    case 'event':
      return { ...base, starts: eventTest(condition.event, condition.where) };
    case 'absence':
      return {
        ...base,
        starts: eventTest(condition.event, condition.where),
        unless: eventTest(condition.unless.event, condition.unless.where),
        withinSec: durationSec(condition.within) ?? 3_600,
      };
    case 'dwell':
      return {
        ...base,
        starts: eventTest(DWELL_EVENT, [
          { property: 'total', op: 'gte', value: condition.seconds },
          ...(condition.contentType ? [{ property: 'contentType', op: 'eq' as const, value: condition.contentType }] : []),
        ]),
      };
    case 'segment':
      return { ...base, segment: { slug: condition.segment, change: condition.change } };
  }
};
