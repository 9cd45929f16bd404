import { Box, DatePicker, Flex, Grid, SingleSelect, SingleSelectOption, Table, Tbody, Td, Tr, Typography } from '@strapi/design-system';
import { Layouts, Page } from '@strapi/strapi/admin';
import { useState } from 'react';
import { useIntl } from 'react-intl';
import { Bar, BarChart, CartesianGrid, Legend, Line, LineChart, ResponsiveContainer, Tooltip, XAxis, YAxis } from 'recharts';
import type { Analytics } from '../../api/types';
import { Panel } from '../../components/Layout/Panel';
import { useApi } from '../../api/use-api';
import { TableHead } from '../../components/Layout/TableHead';
import { dateOfDay, dayOfDate } from '../../utils/calendar-day';
import { useTranslate } from '../../utils/use-translate';
import { FunnelsPanel } from './FunnelsPanel';
import { PathsPanel } from './PathsPanel';
import { WebhooksPanel } from './WebhooksPanel';

const RANGES = [7, 30, 90];
const COLORS = ['#4945ff', '#ee5e52', '#328048', '#d9822f', '#7b79ff', '#0c75af'];

const isoDay = (daysAgo: number) => new Date(Date.now() - daysAgo * 86_400_000).toISOString().slice(0, 10);


/**
 * Analytics: events per day by type, active visitors, segment sizes over time, how often each
 * variant was served and clicked, each recommendation strategy's click-through, how often
 * content was served without personalization because Redis was slow (degraded), the paths
 * visitors take from an entry, funnels, and how each inbound webhook source fared.
 */
export const AnalyticsPage = () => {
  const { formatNumber, formatDate } = useIntl();
  const t = useTranslate();
  // A preset ('7', '30', '90') or 'custom' with its own from/to (UTC days, at most 180 apart).
  const [range, setRange] = useState('30');
  const [custom, setCustom] = useState({ from: isoDay(29), to: isoDay(0) });
  const period = range === 'custom' ? custom : { from: isoDay(Number(range) - 1), to: isoDay(0) };
  const analytics = useApi<Analytics>(`/personalization/analytics?from=${period.from}&to=${period.to}`);
  if (analytics.loading && !analytics.data) return <Page.Loading />;
  if (analytics.error || !analytics.data) return <Page.Error />;
  const data = analytics.data;
  const segmentNames = new Map(data.segments.map((segment) => [segment.slug, segment.name]));
  const day = (date: string) => formatDate(new Date(`${date}T00:00:00Z`), { month: 'short', day: 'numeric', timeZone: 'UTC' });
  const events = data.days.map((entry) => ({ date: day(entry.date), ...entry.events, active: entry.activeVisitors, degraded: entry.degraded }));
  const sizes = data.days.map((entry) => ({
    date: day(entry.date),
    ...Object.fromEntries(data.segments.map((segment) => [segment.slug, segment.sizes.find((size) => size.date === entry.date)?.size])),
  }));
  // Click-through per strategy and day (null where nothing was served that day: a gap, not a 0 %).
  const recommendationDays = data.days.map((entry, index) => ({
    date: day(entry.date),
    ...Object.fromEntries(
      data.recommendations.map((strategy) => {
        const { served, clicks } = strategy.days[index];
        return [strategy.strategy, served > 0 ? clicks / served : null];
      })
    ),
  }));
  const totals = [
    [t('analytics.total.events', 'Events'), data.totals.events],
    [t('analytics.total.active', 'Active visitors today'), data.days[data.days.length - 1]?.activeVisitors ?? 0],
    [t('analytics.total.bots', 'Bot events ignored'), data.totals.bots],
    [t('analytics.total.degraded', 'Reads served without personalization (Redis slow or down)'), data.totals.degraded],
  ] as const;

  return (
    <Page.Main>
      <Page.Title>{t('analytics.title', 'Analytics')}</Page.Title>
      <Layouts.Header
        title={t('analytics.title', 'Analytics')}
        subtitle={[
          t('analytics.subtitle', 'From {from} to {to}', { from: data.from, to: data.to }),
          data.history.lastRollup
            ? t('analytics.history', 'past days kept in the database (last rolled up {time})', {
                time: formatDate(new Date(data.history.lastRollup), { dateStyle: 'medium', timeStyle: 'short' }),
              })
            : null,
        ]
          .filter(Boolean)
          .join(' · ')}
        primaryAction={
          <Flex gap={2} alignItems="flex-end">
            <Box minWidth="180px">
              <SingleSelect aria-label={t('analytics.range', 'Period')} value={range} onChange={(value: string | number) => setRange(String(value))}>
                {RANGES.map((days) => (
                  <SingleSelectOption key={days} value={String(days)}>
                    {t('analytics.range.last', 'Last {days} days', { days })}
                  </SingleSelectOption>
                ))}
                <SingleSelectOption value="custom">{t('analytics.range.custom', 'Custom range')}</SingleSelectOption>
              </SingleSelect>
            </Box>
            {range === 'custom' && (
              <>
                <DatePicker
                  aria-label={t('analytics.range.from', 'From')}
                  value={dateOfDay(custom.from)}
                  maxDate={dateOfDay(custom.to)}
                  onChange={(date: Date | undefined) => date && setCustom((previous) => ({ ...previous, from: dayOfDate(date) }))}
                />
                <DatePicker
                  aria-label={t('analytics.range.to', 'To')}
                  value={dateOfDay(custom.to)}
                  minDate={dateOfDay(custom.from)}
                  maxDate={new Date()}
                  onChange={(date: Date | undefined) => date && setCustom((previous) => ({ ...previous, to: dayOfDate(date) }))}
                />
              </>
            )}
          </Flex>
        }
      />
      <Layouts.Content>
        <Flex direction="column" alignItems="stretch" gap={4}>
          <Grid.Root gap={4}>
            {totals.map(([label, value]) => (
              <Grid.Item key={label} col={3} s={6} direction="column" alignItems="stretch">
                <Box background="neutral0" padding={4} hasRadius shadow="tableShadow" data-testid="analytics-total">
                  <Typography variant="omega" textColor="neutral600">{label}</Typography>
                  <Typography variant="alpha" tag="p">{formatNumber(value)}</Typography>
                </Box>
              </Grid.Item>
            ))}
          </Grid.Root>
          <Panel title={t('analytics.events', 'Events per day')}>
            <Box height="260px" data-testid="analytics-events-chart">
              <ResponsiveContainer width="100%" height="100%">
                <BarChart data={events}>
                  <CartesianGrid strokeDasharray="3 3" />
                  <XAxis dataKey="date" />
                  <YAxis allowDecimals={false} tickFormatter={(value: number) => formatNumber(value)} />
                  <Tooltip formatter={(value) => formatNumber(Number(value))} />
                  <Legend />
                  <Bar dataKey="page" stackId="events" name={t('analytics.type.page', 'Page views')} fill={COLORS[0]} />
                  <Bar dataKey="track" stackId="events" name={t('analytics.type.track', 'Track events')} fill={COLORS[2]} />
                  <Bar dataKey="identify" stackId="events" name={t('analytics.type.identify', 'Identify calls')} fill={COLORS[3]} />
                </BarChart>
              </ResponsiveContainer>
            </Box>
          </Panel>
          <Panel title={t('analytics.active', 'Active visitors and degraded reads per day')}>
            <Box height="220px">
              <ResponsiveContainer width="100%" height="100%">
                <LineChart data={events}>
                  <CartesianGrid strokeDasharray="3 3" />
                  <XAxis dataKey="date" />
                  <YAxis allowDecimals={false} tickFormatter={(value: number) => formatNumber(value)} />
                  <Tooltip formatter={(value) => formatNumber(Number(value))} />
                  <Legend />
                  <Line type="monotone" dataKey="active" name={t('analytics.activeVisitors', 'Active visitors')} stroke={COLORS[0]} />
                  <Line type="monotone" dataKey="degraded" name={t('analytics.degraded', 'Degraded reads')} stroke={COLORS[1]} />
                </LineChart>
              </ResponsiveContainer>
            </Box>
          </Panel>
          <Panel title={t('analytics.segments', 'Segment sizes')}>
            {data.segments.length === 0 ? (
              <Typography textColor="neutral600">{t('analytics.segments.empty', 'No segments yet.')}</Typography>
            ) : (
              <Box height="240px">
                <ResponsiveContainer width="100%" height="100%">
                  <LineChart data={sizes}>
                    <CartesianGrid strokeDasharray="3 3" />
                    <XAxis dataKey="date" />
                    <YAxis allowDecimals={false} tickFormatter={(value: number) => formatNumber(value)} />
                    <Tooltip formatter={(value) => formatNumber(Number(value))} />
                    <Legend />
                    {data.segments.map((segment, i) => (
                      <Line key={segment.slug} type="monotone" dataKey={segment.slug} name={segment.name} stroke={COLORS[i % COLORS.length]} connectNulls />
                    ))}
                  </LineChart>
                </ResponsiveContainer>
              </Box>
            )}
          </Panel>
          <Panel title={t('analytics.variants', 'Variants served and clicked')}>
            {data.variants.length === 0 ? (
              <Typography textColor="neutral600">{t('analytics.variants.empty', 'No variants yet.')}</Typography>
            ) : (
              <Table colCount={5} rowCount={data.variants.length + 1}>
                <TableHead
                  labels={[
                    t('analytics.variant', 'Variant'),
                    t('analytics.segment', 'Segment'),
                    t('analytics.served', 'Served'),
                    t('analytics.clicks', 'Clicks'),
                    t('analytics.ctr', 'Click-through'),
                  ]}
                />
                <Tbody>
                  {data.variants.map((variant) => (
                    <Tr key={variant.id}>
                      <Td><Typography>{variant.label ?? variant.entryTitle ?? `${variant.contentType.split('.').pop()} ${variant.documentId}`}</Typography></Td>
                      <Td><Typography>{variant.segment ? segmentNames.get(variant.segment) ?? variant.segment : '—'}</Typography></Td>
                      <Td><Typography>{formatNumber(variant.served)}</Typography></Td>
                      <Td><Typography>{formatNumber(variant.clicks)}</Typography></Td>
                      <Td><Typography>{variant.clickThrough === null ? '—' : formatNumber(variant.clickThrough, { style: 'percent', maximumFractionDigits: 1 })}</Typography></Td>
                    </Tr>
                  ))}
                </Tbody>
              </Table>
            )}
          </Panel>
          <Panel title={t('analytics.recommendations', 'Recommendations: click-through per strategy')}>
            {data.recommendations.every((strategy) => strategy.served === 0) ? (
              <Typography textColor="neutral600">{t('analytics.recommendations.empty', 'No recommendations served in this period.')}</Typography>
            ) : (
              <Flex direction="column" alignItems="stretch" gap={4}>
                <Box height="220px" data-testid="analytics-recommendations-chart">
                  <ResponsiveContainer width="100%" height="100%">
                    <LineChart data={recommendationDays}>
                      <CartesianGrid strokeDasharray="3 3" />
                      <XAxis dataKey="date" />
                      <YAxis tickFormatter={(value: number) => formatNumber(value, { style: 'percent', maximumFractionDigits: 0 })} />
                      <Tooltip formatter={(value) => formatNumber(Number(value), { style: 'percent', maximumFractionDigits: 1 })} />
                      <Legend />
                      {data.recommendations.map((strategy, i) => (
                        <Line key={strategy.strategy} type="monotone" dataKey={strategy.strategy} name={strategy.strategy} stroke={COLORS[i % COLORS.length]} connectNulls />
                      ))}
                    </LineChart>
                  </ResponsiveContainer>
                </Box>
                <Table colCount={4} rowCount={data.recommendations.length + 1}>
                  <TableHead
                    labels={[
                      t('analytics.strategy', 'Strategy'),
                      t('analytics.recommendations.served', 'Lists served'),
                      t('analytics.clicks', 'Clicks'),
                      t('analytics.ctr', 'Click-through'),
                    ]}
                  />
                  <Tbody>
                    {data.recommendations.map((strategy) => (
                      <Tr key={strategy.strategy}>
                        <Td><Typography>{strategy.strategy}</Typography></Td>
                        <Td><Typography>{formatNumber(strategy.served)}</Typography></Td>
                        <Td><Typography>{formatNumber(strategy.clicks)}</Typography></Td>
                        <Td><Typography>{strategy.clickThrough === null ? '—' : formatNumber(strategy.clickThrough, { style: 'percent', maximumFractionDigits: 1 })}</Typography></Td>
                      </Tr>
                    ))}
                  </Tbody>
                </Table>
              </Flex>
            )}
          </Panel>
          <PathsPanel />
          <FunnelsPanel from={data.from} to={data.to} />
          <WebhooksPanel webhooks={data.webhooks} />
        </Flex>
      </Layouts.Content>
    </Page.Main>
  );
};
