import type { Analytics } from '../../api/types';
import type { Translate } from '../../utils/use-translate';

/**
 * The Analytics page's inbound webhooks table, one row per configured source: what it stored and
 * what was refused, the refusals by reason with the most frequent first, so that the reason to act
 * on (a secret that differs, a sender's clock, a limit too low) reads first. Pure: `t` translates.
 */

type SourceCounts = Analytics['webhooks']['sources'][number];
export type WebhookRefusalReason = keyof SourceCounts['refused'];

export interface WebhookRow {
  source: string;
  signature: SourceCounts['signature'];
  accepted: number;
  duplicates: number;
  ignored: number;
  invalid: number;
  /** Requests refused, whatever the reason. */
  refused: number;
  /** The reasons that occurred, most frequent first. */
  refusals: { reason: WebhookRefusalReason; label: string; count: number }[];
}

/** Each reason as an admin reads it, with the status the sender got. */
export const refusalLabels = (t: Translate): Record<WebhookRefusalReason, string> => ({
  'missing-signature': t('analytics.webhooks.reason.missing-signature', 'No signature (401)'),
  'malformed-signature': t('analytics.webhooks.reason.malformed-signature', 'Malformed signature (401)'),
  'signature-mismatch': t('analytics.webhooks.reason.signature-mismatch', 'Signature mismatch (401)'),
  'timestamp-outside-window': t('analytics.webhooks.reason.timestamp-outside-window', 'Signed time outside the window (401)'),
  'rate-limited': t('analytics.webhooks.reason.rate-limited', 'Rate-limited (429)'),
  'too-large': t('analytics.webhooks.reason.too-large', 'Body too large (413)'),
});

export const webhookRows = (webhooks: Analytics['webhooks'], t: Translate): WebhookRow[] => {
  const labels = refusalLabels(t);
  return webhooks.sources.map(({ source, signature, accepted, duplicates, ignored, invalid, refused }) => {
    const reasons = Object.keys(labels) as WebhookRefusalReason[];
    const refusals = reasons
      .map((reason) => ({ reason, label: labels[reason], count: refused[reason] }))
      .filter((entry) => entry.count > 0)
      // Stable: equal counts keep the order of the labels above.
      .sort((a, b) => b.count - a.count);
    return { source, signature, accepted, duplicates, ignored, invalid, refused: refusals.reduce((total, entry) => total + entry.count, 0), refusals };
  });
};
