import { Badge, Button, EmptyStateLayout, Flex, Table, Tbody, Td, Tr, Typography } from '@strapi/design-system';
import { ArrowClockwise } from '@strapi/icons';
import { Page, useFetchClient, useNotification } from '@strapi/strapi/admin';
import { useIntl } from 'react-intl';
import { errorMessage, type DeliveriesMeta, type Delivery } from '../../api/types';
import { useApi } from '../../api/use-api';
import { TableHead } from '../../components/Layout/TableHead';
import { useTranslate } from '../../utils/use-translate';

const STATUS_COLORS: Record<Delivery['status'], { textColor: string; backgroundColor: string }> = {
  scheduled: { textColor: 'secondary700', backgroundColor: 'secondary100' },
  pending: { textColor: 'warning700', backgroundColor: 'warning100' },
  delivered: { textColor: 'success700', backgroundColor: 'success100' },
  dead: { textColor: 'danger700', backgroundColor: 'danger100' },
  dropped: { textColor: 'neutral700', backgroundColor: 'neutral150' },
  disarmed: { textColor: 'neutral700', backgroundColor: 'neutral150' },
};

/**
 * The delivery log (`recent`: the latest deliveries, whatever became of them) or the dead letters
 * (`dead`: deliveries that failed every attempt, each with a Replay button when `canReplay`).
 * `names` gives a trigger's name by slug.
 */
export const DeliveryLog = ({ status, names, canReplay }: { status: 'recent' | 'dead'; names: Record<string, string>; canReplay: boolean }) => {
  const t = useTranslate();
  const { formatDate, formatNumber } = useIntl();
  const { post } = useFetchClient();
  const { toggleNotification } = useNotification();
  const deliveries = useApi<Delivery[], DeliveriesMeta>(`/personalization/triggers/deliveries?status=${status}&limit=100`);

  if (deliveries.loading && !deliveries.data) return <Page.Loading />;
  if (deliveries.error || !deliveries.data) return <Page.Error />;
  const items = deliveries.data;
  // Date over time, to keep the table narrow.
  const when = (ms: number | undefined) =>
    ms ? (
      <Flex direction="column" alignItems="flex-start">
        <Typography>{formatDate(new Date(ms), { dateStyle: 'short' })}</Typography>
        <Typography variant="pi" textColor="neutral600">
          {formatDate(new Date(ms), { timeStyle: 'medium' })}
        </Typography>
      </Flex>
    ) : (
      <Typography>—</Typography>
    );
  const dead = status === 'dead';
  const statusLabels: Record<Delivery['status'], string> = {
    scheduled: t('deliveries.status.scheduled', 'Scheduled'),
    pending: t('deliveries.status.pending', 'Pending'),
    delivered: t('deliveries.status.delivered', 'Delivered'),
    dead: t('deliveries.status.dead', 'Dead'),
    dropped: t('deliveries.status.dropped', 'Dropped'),
    disarmed: t('deliveries.status.disarmed', 'Disarmed'),
  };

  const replay = async (id: string) => {
    try {
      await post(`/personalization/triggers/deliveries/${id}/replay`);
      toggleNotification({ type: 'success', message: t('deliveries.replayed', 'Delivery {id} queued again', { id: id.slice(0, 8) }) });
      deliveries.reload();
    } catch (error) {
      toggleNotification({ type: 'danger', message: errorMessage(error) });
    }
  };

  const labels = [
    t('deliveries.column.id', 'Id'),
    t('deliveries.column.trigger', 'Trigger'),
    t('deliveries.column.visitor', 'Visitor'),
    t('deliveries.column.status', 'Status'),
    t('deliveries.column.attempts', 'Attempts'),
    t('deliveries.column.httpStatus', 'Last HTTP status'),
    t('deliveries.column.error', 'Last error'),
    t('deliveries.column.created', 'Created'),
    // A dead letter was never delivered: its place goes to Replay.
    ...(dead ? [] : [t('deliveries.column.delivered', 'Delivered')]),
    ...(dead && canReplay ? [t('deliveries.column.replay', 'Replay')] : []),
  ];

  return (
    <Flex direction="column" alignItems="stretch" gap={4} data-testid={`deliveries-${status}`}>
      <Flex justifyContent="space-between" alignItems="center" paddingTop={4}>
        <Typography textColor="neutral600" data-testid="deliveries-counts">
          {t('deliveries.counts', '{queued, number} queued · {dead, plural, one {# dead letter} other {# dead letters}}', { queued: deliveries.meta?.queued ?? 0, dead: deliveries.meta?.dead ?? 0 })}
        </Typography>
        <Button variant="tertiary" size="S" startIcon={<ArrowClockwise />} onClick={deliveries.reload} loading={deliveries.loading}>
          {t('deliveries.refresh', 'Refresh')}
        </Button>
      </Flex>
      {items.length === 0 ? (
        <EmptyStateLayout
          content={dead ? t('deliveries.empty.dead', 'No dead letters: every delivery got through or is still being retried.') : t('deliveries.empty.recent', 'No deliveries yet.')}
        />
      ) : (
        <Table colCount={labels.length} rowCount={items.length + 1}>
          <TableHead labels={labels} wrap />
          <Tbody>
            {items.map((item) => (
              <Tr key={item.id} data-testid="delivery-row">
                <Td>
                  <Typography title={item.id}>
                    {item.id.slice(0, 8)}
                  </Typography>
                </Td>
                <Td>
                  <Typography>{names[item.trigger] ?? item.trigger}</Typography>
                </Td>
                <Td>
                  <Typography title={item.visitorId}>{item.visitorId.length > 13 ? `${item.visitorId.slice(0, 12)}…` : item.visitorId}</Typography>
                </Td>
                <Td>
                  <Badge {...STATUS_COLORS[item.status]}>{statusLabels[item.status] ?? item.status}</Badge>
                </Td>
                <Td>
                  <Typography>{formatNumber(item.attempts)}</Typography>
                </Td>
                <Td>
                  <Typography>{item.lastStatus ?? '—'}</Typography>
                </Td>
                <Td style={{ whiteSpace: 'normal', maxWidth: 280 }}>
                  <Typography textColor={item.lastError ? 'danger600' : 'neutral600'}>{item.lastError ?? '—'}</Typography>
                </Td>
                <Td>{when(item.createdAt)}</Td>
                {!dead && <Td>{when(item.deliveredAt)}</Td>}
                {dead && canReplay && (
                  <Td>
                    <Button size="S" variant="secondary" onClick={() => replay(item.id)}>
                      {t('deliveries.replay', 'Replay')}
                    </Button>
                  </Td>
                )}
              </Tr>
            ))}
          </Tbody>
        </Table>
      )}
    </Flex>
  );
};
