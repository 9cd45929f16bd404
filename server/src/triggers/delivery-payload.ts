import { createHash } from 'crypto';
import { scrubValue } from '../profiles/personal-data';
import type { TimedEvent } from './compiled-trigger';

/** Events kept with a firing (the newest), enough for an e-mail template, bounded for the store. */
const MAX_EVENTS = 10;

/** An event as a delivery carries it: never a personal key or value (`profiles/personal-data.ts`). */
export interface PayloadEvent {
  type: string;
  event?: string;
  timestamp: string;
  properties: Record<string, unknown>;
}

/** What fired a trigger, kept with its check or delivery until the body is built. */
export interface FiringFacts {
  /** Epoch seconds. */
  firedAt: number;
  events: PayloadEvent[];
  segment?: string;
  change?: 'enter' | 'leave';
}

export const payloadEvents = (events: readonly TimedEvent[], isPersonalKey: (key: string) => boolean): PayloadEvent[] =>
  events.slice(-MAX_EVENTS).map((event) => ({
    type: event.type,
    ...(event.event ? { event: event.event } : {}),
    timestamp: new Date(event.ts * 1000).toISOString(),
    properties: (scrubValue(event.properties ?? {}, isPersonalKey) as Record<string, unknown>) ?? {},
  }));

/**
 * Ids of checks and deliveries, derived from what they are about so that the same firing seen
 * twice (a retried batch, two instances reclaiming one check) yields one id, which the store
 * refuses to queue twice. The delivery id is also the receiver's idempotency key.
 */
export const itemId = (...parts: (string | number)[]): string => createHash('sha256').update(parts.join('\u0000')).digest('hex').slice(0, 32);

export interface DeliveryPayloadInput {
  id: string;
  trigger: { slug: string; name: string };
  visitor: { id: string; userHash: string | null; segments: string[] };
  facts: FiringFacts;
  recommendations?: unknown;
  variant?: unknown;
  test?: boolean;
}

/** The JSON body of an outbound delivery (documented in the README, versioned by `version`). */
export const deliveryPayload = (input: DeliveryPayloadInput) => ({
  version: 1,
  id: input.id,
  ...(input.test ? { test: true } : {}),
  trigger: input.trigger.slug,
  triggerName: input.trigger.name,
  firedAt: new Date(input.facts.firedAt * 1000).toISOString(),
  visitor: input.visitor,
  segment: input.facts.segment ?? input.visitor.segments[0] ?? null,
  ...(input.facts.change ? { change: input.facts.change } : {}),
  events: input.facts.events,
  ...(input.recommendations !== undefined ? { recommendations: input.recommendations } : {}),
  ...(input.variant !== undefined ? { variant: input.variant } : {}),
});
