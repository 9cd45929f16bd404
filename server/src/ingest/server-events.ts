import type { IncomingEvent } from './event-schema';
import type { IngestOutcome } from './ingest-service';

/**
 * A server's batch names many visitors (each event its `anonymousId` and/or `userId`): it is
 * stored per visitor, events of the same pair of ids together, in order of first appearance.
 * Used for write-key sources and inbound webhooks alike.
 */
export const groupByVisitor = (events: readonly IncomingEvent[]): IncomingEvent[][] => {
  const groups = new Map<string, IncomingEvent[]>();
  for (const event of events) {
    const key = `${event.anonymousId ?? ''}\u0000${event.userId ?? ''}`;
    const group = groups.get(key);
    if (group) group.push(event);
    else groups.set(key, [event]);
  }
  return [...groups.values()];
};

/** What a server's answer says of its batch, and how long to wait when some visitors were over their quota. */
export interface ServerTotals {
  accepted: number;
  duplicates: number;
  bots: number;
  /** Visitors whose events were stored. */
  visitors: number;
  /** Visitors over their per-minute quota, and the longest wait among them. */
  limited: { visitors: number; retryAfterSec: number } | null;
}

export const serverTotals = (outcomes: readonly IngestOutcome[]): ServerTotals => {
  const totals: ServerTotals = { accepted: 0, duplicates: 0, bots: 0, visitors: 0, limited: null };
  for (const outcome of outcomes) {
    if (outcome.status === 'rate-limited') {
      totals.limited = { visitors: (totals.limited?.visitors ?? 0) + 1, retryAfterSec: Math.max(totals.limited?.retryAfterSec ?? 0, outcome.retryAfterSec) };
      continue;
    }
    totals.bots += outcome.bots;
    if (outcome.status !== 'stored') continue;
    totals.accepted += outcome.accepted;
    totals.duplicates += outcome.duplicates;
    totals.visitors += 1;
  }
  return totals;
};
