import { Badge, Box, Button, EmptyStateLayout, Flex, Grid, LinkButton, Table, Tbody, Td, Tr, Typography } from '@strapi/design-system';
import { Plus } from '@strapi/icons';
import { Layouts, Page, useFetchClient, useNotification, useRBAC } from '@strapi/strapi/admin';
import { useIntl } from 'react-intl';
import { Link, useNavigate } from 'react-router-dom';
import { errorMessage, type Segment, type SegmentTemplate } from '../../api/types';
import { useApi } from '../../api/use-api';
import { PERMISSIONS } from '../../permissions';
import { Sparkline } from '../../components/Layout/Sparkline';
import { StatusBadge } from '../../components/Layout/StatusBadge';
import { TableHead } from '../../components/Layout/TableHead';
import { useTranslate } from '../../utils/use-translate';

/** Segments: the list with sizes and status, and the templates to add in one click. */
export const SegmentsPage = () => {
  const { formatNumber } = useIntl();
  const t = useTranslate();
  const navigate = useNavigate();
  const { post } = useFetchClient();
  const { toggleNotification } = useNotification();
  const { allowedActions } = useRBAC(PERMISSIONS.segments);
  const segments = useApi<Segment[]>('/personalization/segments');
  const templates = useApi<SegmentTemplate[]>('/personalization/segments/templates');

  if (segments.loading && !segments.data) return <Page.Loading />;
  if (segments.error || !segments.data) return <Page.Error />;

  const addTemplate = async (template: SegmentTemplate) => {
    try {
      await post(`/personalization/segments/templates/${template.key}`);
      toggleNotification({ type: 'success', message: t('segments.template.added', '“{name}” added', { name: template.name }) });
      segments.reload();
      templates.reload();
    } catch (error) {
      toggleNotification({ type: 'danger', message: errorMessage(error) });
    }
  };

  return (
    <Page.Main>
      <Page.Title>{t('segments.title', 'Segments')}</Page.Title>
      <Layouts.Header
        title={t('segments.title', 'Segments')}
        subtitle={t('segments.subtitle', '{count} segments', { count: segments.data.length })}
        primaryAction={
          allowedActions.canCreate ? (
            <LinkButton tag={Link} to="new" startIcon={<Plus />}>
              {t('segments.new', 'New segment')}
            </LinkButton>
          ) : undefined
        }
      />
      <Layouts.Content>
        <Flex direction="column" alignItems="stretch" gap={6}>
          {segments.data.length === 0 ? (
            <EmptyStateLayout content={t('segments.empty', 'No segments yet: start from a template or create one.')} />
          ) : (
            <Table colCount={6} rowCount={segments.data.length + 1}>
              <TableHead
                labels={[
                  t('segments.column.name', 'Name'),
                  t('segments.column.slug', 'Slug'),
                  t('segments.column.size', 'Visitors'),
                  t('segments.column.trend', 'Last 14 days'),
                  t('segments.column.priority', 'Priority'),
                  t('segments.column.status', 'Status'),
                ]}
              />
              <Tbody>
                {segments.data.map((segment) => (
                  <Tr key={segment.documentId} onClick={() => navigate(segment.documentId)} style={{ cursor: 'pointer' }}>
                    <Td><Typography fontWeight="bold">{segment.name}</Typography></Td>
                    <Td><Typography textColor="neutral600">{segment.slug}</Typography></Td>
                    <Td><Typography>{formatNumber(segment.size)}</Typography></Td>
                    <Td>
                      <Sparkline
                        label={t('segments.trend', 'Size over the last 14 days')}
                        points={(segment.trend ?? []).map((point) => ({ date: point.date, value: point.size }))}
                      />
                    </Td>
                    <Td><Typography>{segment.priority}</Typography></Td>
                    <Td>
                      <Flex gap={1}>
                        <StatusBadge status={segment.enabled ? 'enabled' : 'disabled'} />
                        {segment.readOnly && <Badge>{t('segments.fromConfig', 'In code')}</Badge>}
                      </Flex>
                    </Td>
                  </Tr>
                ))}
              </Tbody>
            </Table>
          )}
          {allowedActions.canCreate && templates.data && (
            <Box>
              <Typography variant="delta" tag="h2">{t('segments.templates', 'Templates')}</Typography>
              <Grid.Root gap={4} paddingTop={3}>
                {templates.data.map((template) => (
                  <Grid.Item key={template.key} col={4} s={12} direction="column" alignItems="stretch">
                    <Box background="neutral0" padding={4} hasRadius shadow="tableShadow">
                      <Flex direction="column" alignItems="flex-start" gap={2}>
                        <Typography fontWeight="bold">{template.name}</Typography>
                        <Typography textColor="neutral600">{template.description}</Typography>
                        <Button size="S" variant="secondary" disabled={template.added} onClick={() => addTemplate(template)}>
                          {template.added ? t('segments.template.alreadyAdded', 'Added') : t('segments.template.add', 'Add')}
                        </Button>
                      </Flex>
                    </Box>
                  </Grid.Item>
                ))}
              </Grid.Root>
            </Box>
          )}
        </Flex>
      </Layouts.Content>
    </Page.Main>
  );
};
