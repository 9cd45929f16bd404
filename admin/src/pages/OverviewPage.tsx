import { Badge, Box, Flex, Typography } from '@strapi/design-system';
import { Layouts, Page } from '@strapi/strapi/admin';
import { useIntl } from 'react-intl';
import { useOverview } from '../api/use-overview';
import { getTranslation } from '../utils/getTranslation';

/** The plugin's home: is the profile store up, and which content types are personalized. */
export const OverviewPage = () => {
  const { formatMessage, formatNumber } = useIntl();
  const { data, error, loading } = useOverview();
  const t = (id: string, values?: Record<string, string | number>) =>
    formatMessage({ id: getTranslation(id), defaultMessage: id }, values);

  if (loading) return <Page.Loading />;
  if (error || !data) return <Page.Error />;

  const { health, contentTypes } = data;
  return (
    <Page.Main>
      <Page.Title>{t('overview.title')}</Page.Title>
      <Layouts.Header title={t('overview.title')} subtitle={t('overview.subtitle')} />
      <Layouts.Content>
        <Flex direction="column" alignItems="stretch" gap={4}>
          <Box background="neutral0" padding={6} shadow="filterShadow" hasRadius>
            <Flex direction="column" alignItems="flex-start" gap={2}>
              <Typography variant="delta" tag="h2">
                {t('overview.store.title')}
              </Typography>
              <Flex gap={2}>
                <Typography>{t(`overview.store.kind.${health.store}`)}</Typography>
                <Badge active={health.status === 'ok'}>{t(`overview.store.status.${health.status}`)}</Badge>
              </Flex>
              {health.redis.latencyMs !== null && (
                <Typography textColor="neutral600">
                  {t('overview.store.latency', {
                    latency: formatNumber(health.redis.latencyMs, { maximumFractionDigits: 2 }),
                  })}
                </Typography>
              )}
            </Flex>
          </Box>
          <Box background="neutral0" padding={6} shadow="filterShadow" hasRadius>
            <Flex direction="column" alignItems="flex-start" gap={2}>
              <Typography variant="delta" tag="h2">
                {t('overview.contentTypes.title')}
              </Typography>
              {contentTypes.length === 0 ? (
                <Typography textColor="neutral600">{t('overview.contentTypes.empty')}</Typography>
              ) : (
                contentTypes.map((contentType) => (
                  <Typography key={contentType.uid}>
                    {contentType.displayName} <Typography textColor="neutral600">({contentType.uid})</Typography>
                  </Typography>
                ))
              )}
            </Flex>
          </Box>
        </Flex>
      </Layouts.Content>
    </Page.Main>
  );
};
