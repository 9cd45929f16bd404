import { Flex, Table, Tbody, Td, Tr, Typography } from '@strapi/design-system';
import { useIntl } from 'react-intl';
import type { Analytics } from '../../api/types';
import { Panel } from '../../components/Layout/Panel';
import { TableHead } from '../../components/Layout/TableHead';
import { useTranslate } from '../../utils/use-translate';
import { webhookRows } from './webhook-rows';

/**
 * Inbound webhooks over the page's range, per configured source: events stored, payloads ignored or
 * invalid, and requests refused with their reasons; then requests to names no source has.
 */
export const WebhooksPanel = ({ webhooks }: { webhooks: Analytics['webhooks'] }) => {
  const { formatNumber } = useIntl();
  const t = useTranslate();
  const rows = webhookRows(webhooks, t);
  const unknown =
    webhooks.unknownSource > 0 ? (
      <Typography textColor="neutral600" data-testid="analytics-webhooks-unknown">
        {t('analytics.webhooks.unknownSource', '{count, plural, one {# request} other {# requests}} to source names that are not configured', { count: webhooks.unknownSource })}
      </Typography>
    ) : null;

  return (
    <Panel title={t('analytics.webhooks', 'Inbound webhooks')} testId="analytics-webhooks">
      {rows.length === 0 ? (
        <Flex direction="column" alignItems="stretch" gap={2}>
          <Typography textColor="neutral600">{t('analytics.webhooks.empty', 'No webhook sources configured (webhooks.sources in config/plugins.ts).')}</Typography>
          {unknown}
        </Flex>
      ) : (
        <Flex direction="column" alignItems="stretch" gap={3}>
          <Table colCount={6} rowCount={rows.length + 1}>
            <TableHead
              labels={[
                t('analytics.webhooks.source', 'Source'),
                t('analytics.webhooks.accepted', 'Events stored'),
                t('analytics.webhooks.duplicates', 'Duplicates'),
                t('analytics.webhooks.ignored', 'Payloads ignored'),
                t('analytics.webhooks.invalid', 'Invalid (400)'),
                t('analytics.webhooks.refused', 'Requests refused'),
              ]}
            />
            <Tbody>
              {rows.map((row) => (
                <Tr key={row.source} data-testid="analytics-webhook-row">
                  <Td>
                    <Flex direction="column" alignItems="flex-start">
                      <Typography fontWeight="bold">{row.source}</Typography>
                      <Typography variant="pi" textColor="neutral600">
                        {row.signature}
                      </Typography>
                    </Flex>
                  </Td>
                  <Td><Typography>{formatNumber(row.accepted)}</Typography></Td>
                  <Td><Typography>{formatNumber(row.duplicates)}</Typography></Td>
                  <Td><Typography>{formatNumber(row.ignored)}</Typography></Td>
                  <Td><Typography>{formatNumber(row.invalid)}</Typography></Td>
                  <Td style={{ whiteSpace: 'normal' }}>
                    <Flex direction="column" alignItems="flex-start">
                      <Typography fontWeight={row.refused > 0 ? 'bold' : undefined}>{formatNumber(row.refused)}</Typography>
                      {row.refusals.map((refusal) => (
                        <Typography key={refusal.reason} variant="pi" textColor="neutral600" data-testid="analytics-webhook-refusal">
                          {t('analytics.webhooks.refusal', '{reason}: {count}', { reason: refusal.label, count: formatNumber(refusal.count) })}
                        </Typography>
                      ))}
                    </Flex>
                  </Td>
                </Tr>
              ))}
            </Tbody>
          </Table>
          {unknown}
        </Flex>
      )}
    </Panel>
  );
};
