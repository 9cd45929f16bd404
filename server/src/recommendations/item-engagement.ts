import { itemRefOf, type ItemRef } from './item-ref';

/**
 * How much an event says about a visitor's interest in an entry, for co-engagement. Pure.
 * A view is the weakest signal, a play means the visitor stayed, an add (to a cart or a list) is a
 * decision: 1, 2 and 3 (the `weights` parameter; the plugin uses the defaults). Events that name no entry
 * (`properties.contentType` + `properties.documentId`) say nothing here.
 */

export type EngagementKind = 'view' | 'play' | 'add';

export type EngagementWeights = Record<EngagementKind, number>;

export const DEFAULT_ENGAGEMENT_WEIGHTS: EngagementWeights = { view: 1, play: 2, add: 3 };

/** Track events by name (Segment's spec names, and the tracker's own `Entry Viewed`). */
export const ENGAGEMENT_EVENTS: Record<string, EngagementKind> = {
  'Entry Viewed': 'view',
  'Product Viewed': 'view',
  'Video Played': 'play',
  'Video Playback Started': 'play',
  'Product Added': 'add',
  'Product Added to Wishlist': 'add',
  'Added to List': 'add',
};

/** The part of a Segment-shaped event this reads (an `IncomingEvent` is one). */
export interface EngagementEvent {
  type: string;
  event?: string;
  properties?: Record<string, unknown>;
}

export const engagementKindOf = (event: EngagementEvent): EngagementKind | null => {
  if (event.type === 'page' || event.type === 'screen') return 'view';
  if (event.type !== 'track' || typeof event.event !== 'string') return null;
  return Object.prototype.hasOwnProperty.call(ENGAGEMENT_EVENTS, event.event) ? ENGAGEMENT_EVENTS[event.event] : null;
};

/** How strongly an event engaged with whatever entry it names, or null (not an engagement, or weight 0). */
export const engagementWeightOf = (event: EngagementEvent, weights: EngagementWeights = DEFAULT_ENGAGEMENT_WEIGHTS): number | null => {
  const kind = engagementKindOf(event);
  if (!kind) return null;
  const weight = weights[kind];
  return weight > 0 && Number.isFinite(weight) ? weight : null;
};

/** The entry an event engaged with and how strongly, or null (not about an entry, or weight 0). */
export const itemEngagementOf = (
  event: EngagementEvent,
  weights: EngagementWeights = DEFAULT_ENGAGEMENT_WEIGHTS
): { item: ItemRef; weight: number } | null => {
  const weight = engagementWeightOf(event, weights);
  if (weight === null) return null;
  const item = itemRefOf(event.properties?.contentType, event.properties?.documentId);
  return item ? { item, weight } : null;
};
