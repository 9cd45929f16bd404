import { Box, Flex, Typography } from '@strapi/design-system';
import { useIntl } from 'react-intl';
import type { FunnelReport } from '../../api/types';
import { useTranslate } from '../../utils/use-translate';
import { describeStep } from './funnel-form';

/** One step of the report as a bar (its visitors against the first step's), with conversion and drop-off. */
export const FunnelReportBars = ({ report }: { report: FunnelReport }) => {
  const t = useTranslate();
  const { formatNumber } = useIntl();
  const percent = (share: number | null) => (share === null ? '–' : formatNumber(share, { style: 'percent', maximumFractionDigits: 1 }));
  const first = report.steps[0]?.reached ?? 0;
  return (
    <Flex direction="column" alignItems="stretch" gap={3} data-testid="funnel-report">
      {report.steps.map((step, index) => (
        <Flex key={index} direction="column" alignItems="stretch" gap={1} data-testid="funnel-step">
          <Flex gap={2} justifyContent="space-between">
            <Typography fontWeight="bold">
              {index + 1}. {describeStep(step.step, t)}
            </Typography>
            <Typography>
              {t('funnels.reached', '{count, plural, one {# visitor} other {# visitors}}', { count: step.reached })}
              {index > 0 ? ` · ${t('funnels.fromPrevious', '{share} of step {position}', { share: percent(step.fromPrevious), position: index })}` : ''}
              {index > 1 ? ` · ${t('funnels.fromFirst', '{share} of step 1', { share: percent(step.fromFirst) })}` : ''}
            </Typography>
          </Flex>
          <Box background="neutral150" hasRadius style={{ height: 12 }}>
            <Box background="primary600" hasRadius style={{ height: 12, width: `${first > 0 ? Math.round((step.reached / first) * 100) : 0}%` }} />
          </Box>
          {index > 0 && step.droppedOff > 0 && (
            <Typography textColor="danger600" variant="pi">
              {t('funnels.droppedOff', '{count, plural, one {# visitor} other {# visitors}} dropped off after step {position}', { count: step.droppedOff, position: index })}
            </Typography>
          )}
        </Flex>
      ))}
    </Flex>
  );
};
