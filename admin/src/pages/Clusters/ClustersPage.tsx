import { Badge, Box, Button, Flex, Grid, Table, Tbody, Td, Tr, Typography } from '@strapi/design-system';
import { Layouts, Page, useFetchClient, useNotification, useRBAC } from '@strapi/strapi/admin';
import { useEffect } from 'react';
import { useIntl } from 'react-intl';
import { Bar, BarChart, CartesianGrid, Line, LineChart, ResponsiveContainer, Tooltip, XAxis, YAxis } from 'recharts';
import { errorMessage, type ClustersOverview } from '../../api/types';
import { useApi } from '../../api/use-api';
import { Panel } from '../../components/Layout/Panel';
import { TableHead } from '../../components/Layout/TableHead';
import { PERMISSIONS } from '../../permissions';
import { useTranslate } from '../../utils/use-translate';

const READING_COLORS = { stable: 'success', moderate: 'warning', shifted: 'danger' } as const;

/**
 * Behavioral clusters: the current model (k chosen by silhouette, the elbow of inertia, sizes,
 * plain-words descriptions), drift against the previous run and the live stream, the runs, and
 * "make a segment" per cluster. The job runs in the background; the page polls while it does.
 */
export const ClustersPage = () => {
  const t = useTranslate();
  const { formatNumber, formatDate } = useIntl();
  const { post } = useFetchClient();
  const { toggleNotification } = useNotification();
  const overview = useApi<ClustersOverview>('/personalization/clusters');
  const rights = useRBAC({ run: PERMISSIONS.clusters.run, createSegment: PERMISSIONS.segments.create });
  const running = overview.data?.status.state === 'running';
  const { reload } = overview;
  useEffect(() => {
    if (!running) return undefined;
    const timer = setInterval(reload, 2000);
    return () => clearInterval(timer);
  }, [running, reload]);

  if (overview.loading && !overview.data) return <Page.Loading />;
  if (overview.error || !overview.data) return <Page.Error />;
  const data = overview.data;
  const model = data.current?.model ?? null;
  const segmentOf = new Map(data.segments.map((segment) => [segment.slug, segment]));
  const act = async (path: string, body: object, done: string) => {
    try {
      await post(path, body);
      toggleNotification({ type: 'success', message: done });
      reload();
    } catch (error) {
      toggleNotification({ type: 'danger', message: errorMessage(error) });
    }
  };
  const when = (value: string | null) => (value ? formatDate(new Date(value), { dateStyle: 'medium', timeStyle: 'short' }) : '—');
  const progress = data.status.state === 'running'
    ? t('clusters.progress', '{phase}: {scanned} profiles read, {assigned} assigned', { phase: data.status.phase ?? '', scanned: formatNumber(data.status.scanned ?? 0), assigned: formatNumber(data.status.assigned ?? 0) })
    : null;
  const drift = data.current?.report?.drift ?? null;

  return (
    <Page.Main>
      <Page.Title>{t('clusters.title', 'Clusters')}</Page.Title>
      <Layouts.Header
        title={t('clusters.title', 'Clusters')}
        subtitle={
          model
            ? t('clusters.subtitle', '{k} clusters of {population} profiles, fitted on {sample}, {when}', { k: model.k, population: formatNumber(model.population), sample: formatNumber(model.sampleSize), when: when(data.current!.finishedAt) })
            : t('clusters.none', 'No clustering has run yet.')
        }
        primaryAction={
          rights.allowedActions.canRun && data.enabled ? (
            <Button loading={running} onClick={() => act('/personalization/clusters/run', {}, t('clusters.started', 'Clustering started'))}>
              {t('clusters.run', 'Run now')}
            </Button>
          ) : undefined
        }
      />
      <Layouts.Content>
        <Flex direction="column" alignItems="stretch" gap={4}>
          {progress && <Typography data-testid="clusters-progress">{progress}</Typography>}
          {!data.enabled && <Typography textColor="neutral600">{t('clusters.disabled', 'Clustering is turned off (clusters.enabled in config/plugins.ts).')}</Typography>}
          {model && (
            <>
              <Panel title={t('clusters.clusters', 'Clusters')}>
                <Table colCount={4} rowCount={model.k + 1}>
                  <TableHead labels={[t('clusters.id', 'Cluster'), t('clusters.description', 'What its visitors do'), t('clusters.size', 'Profiles'), t('clusters.segment', 'Segment')]} />
                  <Tbody>
                    {model.ids.map((id, index) => (
                      <Tr key={id} data-testid="cluster-row">
                        <Td><Typography fontWeight="bold">{id}</Typography></Td>
                        <Td><Typography>{model.descriptions[index]}</Typography></Td>
                        <Td><Typography>{formatNumber(model.sizes[index])}</Typography></Td>
                        <Td>
                          {segmentOf.get(id) ? (
                            <Typography>{segmentOf.get(id)!.name}</Typography>
                          ) : rights.allowedActions.canCreate ? (
                            <Button variant="secondary" size="S" onClick={() => act(`/personalization/clusters/${id}/segment`, {}, t('clusters.segmentMade', 'Segment created'))}>
                              {t('clusters.makeSegment', 'Make a segment')}
                            </Button>
                          ) : (
                            '—'
                          )}
                        </Td>
                      </Tr>
                    ))}
                  </Tbody>
                </Table>
                {(data.current?.report?.disappeared?.length ?? 0) > 0 && (
                  <Typography textColor="danger600" tag="p">
                    {t('clusters.disappeared', 'Gone since the previous run: {ids}', { ids: data.current!.report!.disappeared!.join(', ') })}
                  </Typography>
                )}
              </Panel>
              <Grid.Root gap={4}>
                <Grid.Item col={6} s={12} direction="column" alignItems="stretch">
                  <Panel title={t('clusters.elbow', 'Inertia per k (the elbow)')}>
                    <Box height="220px" data-testid="clusters-elbow">
                      <ResponsiveContainer width="100%" height="100%">
                        <LineChart data={model.scores}>
                          <CartesianGrid strokeDasharray="3 3" />
                          <XAxis dataKey="k" />
                          <YAxis tickFormatter={(value: number) => formatNumber(value, { notation: 'compact' })} />
                          <Tooltip formatter={(value) => formatNumber(Number(value), { maximumFractionDigits: 0 })} />
                          <Line type="monotone" dataKey="inertia" stroke="#4945ff" />
                        </LineChart>
                      </ResponsiveContainer>
                    </Box>
                  </Panel>
                </Grid.Item>
                <Grid.Item col={6} s={12} direction="column" alignItems="stretch">
                  <Panel title={t('clusters.silhouette', 'Silhouette per k (the highest is chosen)')}>
                    <Box height="220px" data-testid="clusters-silhouette">
                      <ResponsiveContainer width="100%" height="100%">
                        <BarChart data={model.scores}>
                          <CartesianGrid strokeDasharray="3 3" />
                          <XAxis dataKey="k" />
                          <YAxis domain={[-1, 1]} />
                          <Tooltip formatter={(value) => formatNumber(Number(value), { maximumFractionDigits: 3 })} />
                          <Bar dataKey="silhouette" fill="#328048" />
                        </BarChart>
                      </ResponsiveContainer>
                    </Box>
                  </Panel>
                </Grid.Item>
              </Grid.Root>
              <Panel title={t('clusters.drift', 'Drift (population stability index per feature)')}>
                <Table colCount={4} rowCount={model.features.length + 1}>
                  <TableHead labels={[t('clusters.feature', 'Feature'), t('clusters.scaling', 'Scaling'), t('clusters.driftPrevious', 'Since the previous run'), t('clusters.driftLive', 'Live stream since this run')]} />
                  <Tbody>
                    {model.features.map((feature) => {
                      const previous = drift?.find((entry) => entry.feature === feature.name);
                      const live = data.live?.drift.find((entry) => entry.feature === feature.name);
                      const cell = (entry: typeof previous) =>
                        entry ? <Badge textColor={`${READING_COLORS[entry.reading]}600`}>{`${formatNumber(entry.psi, { maximumFractionDigits: 3 })} ${entry.reading}`}</Badge> : '—';
                      return (
                        <Tr key={feature.name}>
                          <Td><Typography>{feature.label}</Typography><Typography textColor="neutral600"> {feature.meaning}</Typography></Td>
                          <Td><Typography>{feature.transform === 'log1p' ? t('clusters.log', 'log(1 + x), standardized') : t('clusters.standardized', 'standardized')}</Typography></Td>
                          <Td>{cell(previous)}</Td>
                          <Td>{cell(live)}</Td>
                        </Tr>
                      );
                    })}
                  </Tbody>
                </Table>
                <Typography textColor="neutral600" tag="p">
                  {t('clusters.drift.hint', 'Under 0.1 stable, 0.1–0.25 moderate, over 0.25 shifted: a shift past the configured threshold starts a new run. Live: {profiles} profiles seen.', { profiles: formatNumber(data.live?.profiles ?? 0) })}
                </Typography>
              </Panel>
            </>
          )}
          <Panel title={t('clusters.runs', 'Runs')}>
            <Table colCount={4} rowCount={data.runs.length + 1}>
              <TableHead labels={[t('clusters.run.started', 'Started'), t('clusters.run.reason', 'Why'), t('clusters.run.status', 'Status'), t('clusters.run.seconds', 'Seconds')]} />
              <Tbody>
                {data.runs.map((run) => (
                  <Tr key={run.documentId}>
                    <Td><Typography>{when(run.startedAt)}</Typography></Td>
                    <Td><Typography>{run.reason ?? '—'}</Typography></Td>
                    <Td><Typography>{run.status}{run.report?.skipped ? `: ${run.report.skipped}` : ''}{run.report?.error ? `: ${run.report.error}` : ''}</Typography></Td>
                    <Td><Typography>{run.report?.seconds ?? '—'}</Typography></Td>
                  </Tr>
                ))}
              </Tbody>
            </Table>
          </Panel>
        </Flex>
      </Layouts.Content>
    </Page.Main>
  );
};
