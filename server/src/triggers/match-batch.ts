import type { CompiledTrigger, TimedEvent } from './compiled-trigger';

/** What one stored batch of a visitor did to the triggers. Pure. */
export interface BatchMatches {
  /** Triggers whose condition held in this batch, with the events that made it hold. */
  fired: { trigger: CompiledTrigger; events: TimedEvent[]; segment?: string }[];
  /** Absence triggers to (re)arm: they fire at `dueAt` unless disarmed first. */
  armed: { trigger: CompiledTrigger; event: TimedEvent; dueAt: number }[];
  /** Absence triggers whose follow-up arrived, with that event. */
  disarmed: { trigger: CompiledTrigger; event: TimedEvent }[];
}

export interface BatchFacts {
  /** The batch's stored events (duplicates left out), in time order. */
  events: readonly TimedEvent[];
  entered: readonly string[];
  left: readonly string[];
}

/**
 * Matches a batch against the enabled triggers. An absence trigger follows the batch's last
 * relevant event: a start (re)arms it from that event's time (the wait restarts with each new
 * `Product Added`), a follow-up disarms it (also an arming earlier in the same batch).
 */
export const matchBatch = (triggers: readonly CompiledTrigger[], facts: BatchFacts): BatchMatches => {
  const matches: BatchMatches = { fired: [], armed: [], disarmed: [] };
  for (const trigger of triggers) {
    if (trigger.segment) {
      const { slug, change } = trigger.segment;
      if ((change === 'enter' ? facts.entered : facts.left).includes(slug)) matches.fired.push({ trigger, events: [], segment: slug });
      continue;
    }
    if (trigger.unless) {
      let last: { event: TimedEvent; starts: boolean } | undefined;
      for (const event of facts.events) {
        if (trigger.unless(event)) last = { event, starts: false };
        else if (trigger.starts!(event)) last = { event, starts: true };
      }
      if (last?.starts) matches.armed.push({ trigger, event: last.event, dueAt: last.event.ts + trigger.withinSec! });
      else if (last) matches.disarmed.push({ trigger, event: last.event });
      continue;
    }
    const events = facts.events.filter((event) => trigger.starts!(event));
    if (events.length > 0) matches.fired.push({ trigger, events });
  }
  return matches;
};
