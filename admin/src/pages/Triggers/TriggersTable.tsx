import { Flex, Table, Tbody, Td, Tr, Typography } from '@strapi/design-system';
import { useIntl } from 'react-intl';
import { useNavigate } from 'react-router-dom';
import type { Trigger, TriggerOutcome } from '../../api/types';
import { StatusBadge } from '../../components/Layout/StatusBadge';
import { TableHead } from '../../components/Layout/TableHead';
import { useTranslate } from '../../utils/use-translate';
import { describeActions, describeCondition, describeLimits, hasOutbound } from './describe-trigger';
import { SendTestButton } from './SendTestButton';

/** Outcomes shown even at zero; the others only when they happened. */
const ALWAYS_SHOWN: TriggerOutcome[] = ['fired', 'delivered', 'dead'];

/** Every trigger: what fires it and what it does in words, its status and limits, and its last week. */
export const TriggersTable = ({ triggers, canTest }: { triggers: Trigger[]; canTest: boolean }) => {
  const t = useTranslate();
  const { formatNumber } = useIntl();
  const navigate = useNavigate();
  const outcomeLabels: Record<TriggerOutcome, string> = {
    fired: t('triggers.outcome.fired', 'fired'),
    cooldown: t('triggers.outcome.cooldown', 'cool-down'),
    'rate-limited': t('triggers.outcome.rateLimited', 'rate-limited'),
    duplicate: t('triggers.outcome.duplicate', 'duplicate'),
    delivered: t('triggers.outcome.delivered', 'delivered'),
    dead: t('triggers.outcome.dead', 'dead'),
  };
  const outcomes = (trigger: Trigger) =>
    (Object.keys(outcomeLabels) as TriggerOutcome[])
      .filter((outcome) => ALWAYS_SHOWN.includes(outcome) || (trigger.last7Days?.[outcome] ?? 0) > 0)
      .map((outcome) => `${formatNumber(trigger.last7Days?.[outcome] ?? 0)} ${outcomeLabels[outcome]}`)
      .join(' · ');

  return (
    <Table colCount={7} rowCount={triggers.length + 1}>
      <TableHead
        labels={[
          t('triggers.column.name', 'Name'),
          t('triggers.column.condition', 'Condition'),
          t('triggers.column.actions', 'Actions'),
          t('triggers.column.status', 'Status'),
          t('triggers.column.cooldown', 'Cool-down'),
          t('triggers.column.last7Days', 'Last 7 days'),
          t('triggers.column.test', 'Test'),
        ]}
      />
      <Tbody>
        {triggers.map((trigger) => (
          <Tr key={trigger.documentId} onClick={() => navigate(trigger.documentId)} style={{ cursor: 'pointer' }} data-testid="trigger-row">
            <Td>
              <Flex direction="column" alignItems="flex-start">
                <Typography fontWeight="bold">{trigger.name}</Typography>
                <Typography variant="pi" textColor="neutral600">
                  {trigger.slug}
                </Typography>
              </Flex>
            </Td>
            <Td style={{ whiteSpace: 'normal' }}>
              <Typography>{describeCondition(trigger.condition, t)}</Typography>
              {trigger.audience ? (
                <Typography variant="pi" textColor="neutral600">
                  {` ${t('triggers.withAudience', '(with an audience)')}`}
                </Typography>
              ) : null}
            </Td>
            <Td style={{ whiteSpace: 'normal' }}>
              <Typography>{describeActions(trigger.actions, t).join('; ')}</Typography>
            </Td>
            <Td>
              <StatusBadge status={trigger.enabled ? 'enabled' : 'disabled'} />
            </Td>
            <Td>
              <Typography>{describeLimits(trigger, t)}</Typography>
            </Td>
            <Td>
              <Typography textColor="neutral700">{outcomes(trigger)}</Typography>
            </Td>
            <Td onClick={(event: React.MouseEvent) => event.stopPropagation()}>{canTest && hasOutbound(trigger) ? <SendTestButton documentId={trigger.documentId} /> : null}</Td>
          </Tr>
        ))}
      </Tbody>
    </Table>
  );
};
