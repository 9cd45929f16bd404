import { Alert, Badge, Box, Button, Dialog, Flex, Table, Tbody, Td, Tr, Typography } from '@strapi/design-system';
import { Layouts, Page, useFetchClient, useNotification, useRBAC } from '@strapi/strapi/admin';
import { useIntl } from 'react-intl';
import { useNavigate, useParams } from 'react-router-dom';
import { CartesianGrid, Legend, Line, LineChart, ResponsiveContainer, Tooltip, XAxis, YAxis } from 'recharts';
import { errorMessage, type Experiment, type ExperimentResults, type Segment } from '../../api/types';
import { useApi } from '../../api/use-api';
import { Panel } from '../../components/Layout/Panel';
import { StatusBadge } from '../../components/Layout/StatusBadge';
import { PERMISSIONS } from '../../permissions';
import { TableHead } from '../../components/Layout/TableHead';
import { useTranslate } from '../../utils/use-translate';
import { goalLabel } from './goal-label';
import { StopExperimentDialog, type StopChoice } from './StopExperimentDialog';

const COLORS = ['#8e8ea9', '#4945ff', '#328048', '#d9822f', '#ee5e52', '#0c75af'];

/** One experiment: per goal and arm, conversion rates with intervals, lift and significance; the lifecycle buttons. */
export const ExperimentResultsPage = () => {
  const t = useTranslate();
  const { formatNumber, formatDate } = useIntl();
  const { documentId } = useParams();
  const navigate = useNavigate();
  const { post, del } = useFetchClient();
  const { toggleNotification } = useNotification();
  const { allowedActions } = useRBAC(PERMISSIONS.experiments);
  const experiment = useApi<Experiment>(`/personalization/experiments/${documentId}`);
  const results = useApi<ExperimentResults>(`/personalization/experiments/${documentId}/results`);
  const segments = useApi<Segment[]>('/personalization/segments');
  if ((experiment.loading && !experiment.data) || (results.loading && !results.data)) return <Page.Loading />;
  if (!experiment.data || !results.data) return <Page.Error />;
  const data = experiment.data;
  const stats = results.data;
  const percent = (value: number) => formatNumber(value, { style: 'percent', maximumFractionDigits: 1 });

  const act = async (action: 'start' | 'pause' | 'stop', body?: StopChoice) => {
    try {
      await post(`/personalization/experiments/${documentId}/${action}`, body ?? {});
      const done = {
        start: t('experiment.start.done', 'Experiment running'),
        pause: t('experiment.pause.done', 'Experiment paused'),
        stop: t('experiment.stop.done', 'Experiment stopped'),
      };
      toggleNotification({ type: 'success', message: done[action] });
      experiment.reload();
      results.reload();
    } catch (error) {
      toggleNotification({ type: 'danger', message: errorMessage(error) });
    }
  };
  const remove = async () => {
    try {
      await del(`/personalization/experiments/${documentId}`);
      navigate('..', { relative: 'path' });
    } catch (error) {
      toggleNotification({ type: 'danger', message: errorMessage(error) });
    }
  };

  const canUpdate = allowedActions.canUpdate;
  const actions = (
    <Flex gap={2}>
      {canUpdate && (data.status === 'draft' || data.status === 'paused') && <Button onClick={() => act('start')}>{t('experiment.start', 'Start')}</Button>}
      {canUpdate && data.status === 'running' && (
        <Button variant="secondary" onClick={() => act('pause')}>
          {t('experiment.pause', 'Pause')}
        </Button>
      )}
      {canUpdate && data.status !== 'stopped' && data.status !== 'draft' && (
        <Dialog.Root>
          <Dialog.Trigger>
            <Button variant="danger-light">{t('experiment.stop', 'Stop')}</Button>
          </Dialog.Trigger>
          <StopExperimentDialog experiment={data} segments={segments.data ?? []} onConfirm={(choice) => act('stop', choice)} />
        </Dialog.Root>
      )}
      {allowedActions.canDelete && data.status !== 'running' && (
        <Button variant="danger-light" onClick={remove}>
          {t('experiment.delete', 'Delete')}
        </Button>
      )}
    </Flex>
  );

  const primary = stats.goals[0]?.key;
  const series = stats.daily.map((day) => ({
    date: formatDate(new Date(`${day.date}T00:00:00Z`), { month: 'short', day: 'numeric', timeZone: 'UTC' }),
    ...Object.fromEntries(
      Object.entries(day.arms).map(([arm, counts]) => [arm, counts.visitors > 0 ? (counts.conversions[primary] ?? 0) / counts.visitors : null])
    ),
  }));

  return (
    <Page.Main>
      <Page.Title>{data.name}</Page.Title>
      <Layouts.Header
        title={data.name}
        subtitle={
          <Flex gap={2}>
            <StatusBadge status={data.status} />
            <Typography textColor="neutral600">
              {data.startedAt ? t('experiment.since', 'since {date}', { date: formatDate(new Date(data.startedAt), { dateStyle: 'medium' }) }) : t('experiment.notStarted', 'not started')}
            </Typography>
            {data.winner && <Badge>{t('experiment.winner', 'Winner: {arm}', { arm: data.winner })}</Badge>}
          </Flex>
        }
        primaryAction={actions}
      />
      <Layouts.Content>
        <Flex direction="column" alignItems="stretch" gap={4}>
          {stats.sampleRatio?.mismatch && (
            <Alert variant="danger" title={t('experiment.srm.title', 'Sample ratio mismatch')} closeLabel={t('common.close', 'Close')}>
              {t('experiment.srm', 'The arms did not receive the traffic their weights ask for (p = {p}). Assignment or exposure counting is broken: do not trust these results.', {
                p: formatNumber(stats.sampleRatio.pValue, { maximumSignificantDigits: 2 }),
              })}
            </Alert>
          )}
          {data.status === 'draft' && data.targetKind === 'entry' && (
            <Alert variant="default" title={t('experiment.draft.title', 'Before you start')} closeLabel={t('common.close', 'Close')}>
              {t('experiment.draft', 'Each arm other than control needs a variant of the entry: open it in the Content Manager and add one per arm in the Personalization panel.')}
            </Alert>
          )}
          {stats.goals.map(({ key, goal }, goalIndex) => (
            <Panel
              key={key}
              title={
                goalIndex === 0
                  ? t('experiment.results.primary', 'Primary goal: {goal}', { goal: goalLabel(goal) })
                  : t('experiment.results.secondary', 'Secondary goal: {goal}', { goal: goalLabel(goal) })
              }
              testId="experiment-results"
            >
              <Table colCount={7} rowCount={stats.arms.length + 1}>
                <TableHead
                  labels={[
                    t('experiment.results.arm', 'Arm'),
                    t('experiment.results.visitors', 'Visitors'),
                    t('experiment.results.conversions', 'Converted'),
                    t('experiment.results.rate', 'Rate (95 % interval)'),
                    t('experiment.results.lift', 'Lift'),
                    t('experiment.results.p', 'p-value'),
                    t('experiment.results.verdict', 'Verdict'),
                  ]}
                />
                <Tbody>
                  {stats.arms.map((arm) => {
                    const result = arm.goals[key];
                    return (
                      <Tr key={arm.key}>
                        <Td><Typography fontWeight="bold">{arm.key}</Typography></Td>
                        <Td><Typography>{formatNumber(arm.visitors)}</Typography></Td>
                        <Td><Typography>{formatNumber(result.conversions)}</Typography></Td>
                        <Td><Typography>{`${percent(result.rate)} (${percent(result.interval[0])}–${percent(result.interval[1])})`}</Typography></Td>
                        <Td><Typography>{result.lift === null ? '—' : `${result.lift > 0 ? '+' : ''}${percent(result.lift)}`}</Typography></Td>
                        <Td><Typography>{result.pValue === null ? '—' : formatNumber(result.pValue, { maximumSignificantDigits: 2 })}</Typography></Td>
                        <Td>
                          {result.significant === null ? (
                            <Typography textColor="neutral600">{t('experiment.results.control', 'control')}</Typography>
                          ) : result.significant ? (
                            result.lift !== null && result.lift < 0 ? (
                              <Badge textColor="danger700" backgroundColor="danger100">{t('experiment.results.worse', 'Worse than control')}</Badge>
                            ) : (
                              <Badge textColor="success700" backgroundColor="success100">{t('experiment.results.better', 'Better than control')}</Badge>
                            )
                          ) : (
                            <Typography textColor="neutral600">{t('experiment.results.notYet', 'Not significant yet')}</Typography>
                          )}
                        </Td>
                      </Tr>
                    );
                  })}
                </Tbody>
              </Table>
              {stats.holdout > 0 && (
                <Box paddingTop={2}>
                  <Typography textColor="neutral600">{t('experiment.results.holdout', '{count} visitors held out', { count: formatNumber(stats.holdout) })}</Typography>
                </Box>
              )}
            </Panel>
          ))}
          {series.length > 0 && primary && (
            <Panel title={t('experiment.results.daily', 'Daily conversion rate, primary goal')}>
              <Box height="240px">
                <ResponsiveContainer width="100%" height="100%">
                  <LineChart data={series}>
                    <CartesianGrid strokeDasharray="3 3" />
                    <XAxis dataKey="date" />
                    <YAxis tickFormatter={(value: number) => percent(value)} />
                    <Tooltip formatter={(value) => percent(Number(value))} />
                    <Legend />
                    {stats.arms.map((arm, i) => (
                      <Line key={arm.key} type="monotone" dataKey={arm.key} stroke={COLORS[i % COLORS.length]} connectNulls />
                    ))}
                  </LineChart>
                </ResponsiveContainer>
              </Box>
            </Panel>
          )}
        </Flex>
      </Layouts.Content>
    </Page.Main>
  );
};
