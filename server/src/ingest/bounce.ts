import type { IncomingEvent } from './event-schema';
import { SPECIAL_EVENTS } from './special-events';

/**
 * Bounce as a signal: a page view of an entry that the visitor left within a short visible time
 * without interacting says the entry's topics did not hold them. The tracker's final `Dwell Time`
 * report of a page (on page hide or SPA navigation) says so:
 *
 *   { type: 'track', event: 'Dwell Time', properties: { seconds, total, left: true, interacted: false,
 *     contentType, documentId } }
 *
 * `total`: visible seconds on the page; `interacted`: whether the visitor clicked, pressed a key,
 * typed, scrolled to a new mark or caused any other track event on it. Server senders send the same
 * shape. Such a report with `total` under `profile.bounceSeconds`, about an entry (or page) with
 * topics, counts `b:<topic>` and takes `profile.bounceWeight` from each topic's affinity instead of
 * adding to it as other events about the entry do.
 */

export interface BounceRule {
  /** Visible seconds under which a page left untouched is a bounce; 0: no bounces. */
  maxSeconds: number;
  /** Affinity taken from each topic of a bounced entry. */
  weight: number;
}

/** Whether an event is the leave report of a bounced page view (its topics are the caller's to check). */
export const isBounce = (event: IncomingEvent, rule: BounceRule | undefined): boolean => {
  if (!rule || rule.maxSeconds <= 0 || event.type !== 'track' || event.event !== SPECIAL_EVENTS.dwellTime) return false;
  const properties = event.properties;
  const total = properties?.total;
  return (
    properties?.left === true &&
    properties.interacted === false &&
    typeof total === 'number' &&
    Number.isFinite(total) &&
    total >= 0 &&
    total < rule.maxSeconds
  );
};
