import { Badge, Box, Button, Flex, Grid, Textarea, Typography } from '@strapi/design-system';
import { Layouts, Page, useNotification } from '@strapi/strapi/admin';
import { useIntl } from 'react-intl';
import type { Settings } from '../../api/types';
import { useApi } from '../../api/use-api';
import { useTranslate } from '../../utils/use-translate';

/** What the plugin runs with (set in config/plugins.ts), the store's state, and the tracker snippet. */
export const SettingsPage = () => {
  const { formatNumber } = useIntl();
  const t = useTranslate();
  const { toggleNotification } = useNotification();
  const settings = useApi<Settings>('/personalization/settings');
  if (settings.loading) return <Page.Loading />;
  if (settings.error || !settings.data) return <Page.Error />;
  const data = settings.data;
  const consentModes: Record<string, string> = {
    'opt-out': t('settings.consent.opt-out', 'Opt-out: visitors are profiled unless they refuse'),
    'opt-in': t('settings.consent.opt-in', 'Opt-in: nothing is stored until a visitor agrees'),
    none: t('settings.consent.none', 'None: the site handles consent itself'),
  };
  const rows = [
    [t('settings.consent', 'Consent mode'), consentModes[data.consent.mode] ?? data.consent.mode],
    [t('settings.signals', 'Do-Not-Track and Global Privacy Control honoured'), data.consent.honorBrowserSignals ? t('common.yes', 'Yes') : t('common.no', 'No')],
    [t('settings.retention', 'Profiles kept after the last activity'), t('settings.days', '{days} days', { days: data.retentionDays })],
    [t('settings.cookie', 'Visitor cookie'), `${data.cookie.name} (${t('settings.days', '{days} days', { days: data.cookie.maxAgeDays })})`],
    [t('settings.timeout', 'Redis budget of a content read'), `${data.resolve.timeoutMs} ms`],
    [t('settings.segmentsAsCode', 'Segments declared in code'), formatNumber(data.segmentsAsCode)],
  ];
  const copy = async () => {
    await navigator.clipboard?.writeText(data.trackerSnippet);
    toggleNotification({ type: 'success', message: t('settings.copied', 'Snippet copied') });
  };
  return (
    <Page.Main>
      <Page.Title>{t('settings.title', 'Settings')}</Page.Title>
      <Layouts.Header title={t('settings.title', 'Settings')} subtitle={t('settings.subtitle', 'Set in config/plugins.ts; shown here')} />
      <Layouts.Content>
        <Flex direction="column" alignItems="stretch" gap={4}>
          <Box background="neutral0" padding={6} hasRadius shadow="tableShadow" data-testid="settings-store">
            <Typography variant="delta" tag="h2">{t('settings.store', 'Profile store')}</Typography>
            <Flex gap={2} paddingTop={3}>
              <Typography>{data.store.description}</Typography>
              <Badge active={data.store.status === 'ok'}>
                {data.store.status === 'ok' ? t('settings.store.ok', 'Connected') : t('settings.store.degraded', 'Degraded: serving base content')}
              </Badge>
              {data.store.latencyMs !== null && (
                <Typography textColor="neutral600">{t('settings.store.latency', 'PING {latency} ms', { latency: formatNumber(data.store.latencyMs, { maximumFractionDigits: 2 }) })}</Typography>
              )}
            </Flex>
          </Box>
          <Box background="neutral0" padding={6} hasRadius shadow="tableShadow">
            <Typography variant="delta" tag="h2">{t('settings.values', 'Configuration')}</Typography>
            <Grid.Root gap={3} paddingTop={3}>
              {rows.map(([label, value]) => (
                <Grid.Item key={label} col={6} s={12} direction="column" alignItems="flex-start">
                  <Typography variant="omega" textColor="neutral600">{label}</Typography>
                  <Typography fontWeight="bold">{value}</Typography>
                </Grid.Item>
              ))}
            </Grid.Root>
          </Box>
          <Box background="neutral0" padding={6} hasRadius shadow="tableShadow">
            <Typography variant="delta" tag="h2">{t('settings.tracker', 'Tracker snippet')}</Typography>
            <Typography textColor="neutral600" tag="p">{t('settings.tracker.hint', 'Paste it into the pages of your site.')}</Typography>
            <Box paddingTop={3}>
              <Textarea aria-label={t('settings.tracker', 'Tracker snippet')} value={data.trackerSnippet} readOnly />
            </Box>
            <Box paddingTop={3}>
              <Button variant="secondary" onClick={copy}>{t('settings.copy', 'Copy')}</Button>
            </Box>
          </Box>
        </Flex>
      </Layouts.Content>
    </Page.Main>
  );
};
