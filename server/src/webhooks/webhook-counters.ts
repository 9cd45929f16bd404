import type { SignatureScheme } from './webhook-config';
import type { SignatureRefusalReason } from './verify-signature';

/**
 * Names of the site-wide daily counters (the stats service) that say how each webhook source
 * fares, and their sum over a range for the admin. Source names cannot hold a colon, so
 * `webhook:<source>:...` never collides. Requests to a source that does not exist are counted
 * together: a counter per name typed into a URL would let anybody grow the day's counters.
 */
export const webhookCounter = {
  /** Events stored. */
  accepted: (source: string) => `webhook:${source}:accepted`,
  /** Events a retry sent again, counted once. */
  duplicates: (source: string) => `webhook:${source}:duplicates`,
  /** Authentic payloads no mapping applies to. */
  ignored: (source: string) => `webhook:${source}:ignored`,
  /** Authentic payloads refused with a 400 (not JSON, or mapping to invalid events). */
  invalid: (source: string) => `webhook:${source}:invalid`,
  /** Requests refused before their payload was looked at, by reason. */
  refused: (source: string, reason: WebhookRefusalReason) => `webhook:${source}:refused:${reason}`,
  unknownSource: 'webhooks:unknown-source',
} as const;

/**
 * Why a configured source's request was refused: its signature (401), too many requests or events
 * (429: the source's `perMinute`, or a visitor's event quota), a body over the limit (413).
 */
export type WebhookRefusalReason = SignatureRefusalReason | 'rate-limited' | 'too-large';

export const REFUSAL_REASONS: readonly WebhookRefusalReason[] = ['missing-signature', 'malformed-signature', 'signature-mismatch', 'timestamp-outside-window', 'rate-limited', 'too-large'];

export interface WebhookSourceCounts {
  source: string;
  signature: SignatureScheme;
  accepted: number;
  duplicates: number;
  ignored: number;
  invalid: number;
  refused: Record<WebhookRefusalReason, number>;
}

export interface WebhookCounts {
  sources: WebhookSourceCounts[];
  /** Requests to `/webhooks/<name>` for a name no source has. */
  unknownSource: number;
}

/** The configured sources' counts, `sum` giving a counter's total over the range asked for. */
export const webhookCounts = (sources: readonly { name: string; signature: SignatureScheme }[], sum: (counter: string) => number): WebhookCounts => ({
  sources: sources.map(({ name, signature }) => ({
    source: name,
    signature,
    accepted: sum(webhookCounter.accepted(name)),
    duplicates: sum(webhookCounter.duplicates(name)),
    ignored: sum(webhookCounter.ignored(name)),
    invalid: sum(webhookCounter.invalid(name)),
    refused: Object.fromEntries(REFUSAL_REASONS.map((reason) => [reason, sum(webhookCounter.refused(name, reason))])) as Record<WebhookRefusalReason, number>,
  })),
  unknownSource: sum(webhookCounter.unknownSource),
});
