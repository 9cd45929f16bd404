import type { Analytics } from '../../admin/src/api/types';
import { refusalLabels, webhookRows } from '../../admin/src/pages/Analytics/webhook-rows';
import type { Translate } from '../../admin/src/utils/use-translate';
import { REFUSAL_REASONS } from '../../server/src/webhooks/webhook-counters';

/** The English text, as react-intl shows it without translations. */
const t: Translate = (_id, text) => text;

const none = Object.fromEntries(REFUSAL_REASONS.map((reason) => [reason, 0])) as Analytics['webhooks']['sources'][number]['refused'];
const source = (name: string, refused: Partial<typeof none> = {}) => ({
  source: name,
  signature: 'shopify' as const,
  accepted: 12,
  duplicates: 2,
  ignored: 1,
  invalid: 3,
  refused: { ...none, ...refused },
});

describe('inbound webhooks on the Analytics page (pure)', () => {
  it('labels every reason the server counts', () => {
    expect(Object.keys(refusalLabels(t)).sort()).toEqual([...REFUSAL_REASONS].sort());
  });

  it('gives one row per source with its counts, the refusals summed', () => {
    const rows = webhookRows({ sources: [source('shop', { 'signature-mismatch': 4, 'rate-limited': 2, 'too-large': 1 }), source('billing')], unknownSource: 9 }, t);
    expect(rows.map(({ refusals: _refusals, ...row }) => row)).toEqual([
      { source: 'shop', signature: 'shopify', accepted: 12, duplicates: 2, ignored: 1, invalid: 3, refused: 7 },
      { source: 'billing', signature: 'shopify', accepted: 12, duplicates: 2, ignored: 1, invalid: 3, refused: 0 },
    ]);
  });

  it('lists only the reasons that occurred, most frequent first, ties in the labels\' order', () => {
    const [row] = webhookRows({ sources: [source('shop', { 'too-large': 1, 'missing-signature': 1, 'rate-limited': 5, 'signature-mismatch': 2 })], unknownSource: 0 }, t);
    expect(row.refusals).toEqual([
      { reason: 'rate-limited', label: 'Rate-limited (429)', count: 5 },
      { reason: 'signature-mismatch', label: 'Signature mismatch (401)', count: 2 },
      { reason: 'missing-signature', label: 'No signature (401)', count: 1 },
      { reason: 'too-large', label: 'Body too large (413)', count: 1 },
    ]);
    expect(webhookRows({ sources: [source('quiet')], unknownSource: 0 }, t)[0].refusals).toEqual([]);
  });

  it('has no row without sources', () => {
    expect(webhookRows({ sources: [], unknownSource: 3 }, t)).toEqual([]);
  });
});
