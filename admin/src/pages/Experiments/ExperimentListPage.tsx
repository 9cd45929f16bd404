import { EmptyStateLayout, LinkButton, Table, Tbody, Td, Tr, Typography } from '@strapi/design-system';
import { Plus } from '@strapi/icons';
import { Layouts, Page, useRBAC } from '@strapi/strapi/admin';
import { Link, useNavigate } from 'react-router-dom';
import type { Experiment } from '../../api/types';
import { useApi } from '../../api/use-api';
import { StatusBadge } from '../../components/Layout/StatusBadge';
import { PERMISSIONS } from '../../permissions';
import { TableHead } from '../../components/Layout/TableHead';
import { useTranslate } from '../../utils/use-translate';
import { goalLabel } from './goal-label';

/** Every experiment with its target, arms, goal and status. */
export const ExperimentListPage = () => {
  const t = useTranslate();
  const navigate = useNavigate();
  const { allowedActions } = useRBAC(PERMISSIONS.experiments);
  const experiments = useApi<Experiment[]>('/personalization/experiments');
  if (experiments.loading && !experiments.data) return <Page.Loading />;
  if (experiments.error || !experiments.data) return <Page.Error />;

  return (
    <Page.Main>
      <Page.Title>{t('experiments.title', 'Experiments')}</Page.Title>
      <Layouts.Header
        title={t('experiments.title', 'Experiments')}
        subtitle={t('experiments.subtitle', 'A/B tests of variants against the base entry')}
        primaryAction={
          allowedActions.canCreate ? (
            <LinkButton tag={Link} to="new" startIcon={<Plus />}>
              {t('experiments.new', 'New experiment')}
            </LinkButton>
          ) : undefined
        }
      />
      <Layouts.Content>
        {experiments.data.length === 0 ? (
          <EmptyStateLayout content={t('experiments.empty', 'No experiments yet. Test a variant against the base entry to see which one converts better.')} />
        ) : (
          <Table colCount={5} rowCount={experiments.data.length + 1}>
            <TableHead
              labels={[
                t('experiments.column.name', 'Name'),
                t('experiments.column.target', 'Tests'),
                t('experiments.column.arms', 'Arms'),
                t('experiments.column.goal', 'Primary goal'),
                t('experiments.column.status', 'Status'),
              ]}
            />
            <Tbody>
              {experiments.data.map((experiment) => (
                <Tr key={experiment.documentId} onClick={() => navigate(experiment.documentId)} style={{ cursor: 'pointer' }}>
                  <Td>
                    <Typography fontWeight="bold">{experiment.name}</Typography>
                    <Typography textColor="neutral600"> {experiment.key}</Typography>
                  </Td>
                  <Td>
                    <Typography>
                      {experiment.targetKind === 'segment'
                        ? t('experiments.target.segment', 'Variants of segment {segment}', { segment: experiment.targetSegment ?? '' })
                        : experiment.targetKind === 'recommendations'
                          ? t('experiments.target.recommendations', 'Recommendation strategies of {type}', { type: experiment.contentType?.split('.').pop() ?? '' })
                          : t('experiments.target.entry', '{type} {documentId}', { type: experiment.contentType?.split('.').pop() ?? '', documentId: experiment.entryDocumentId ?? '' })}
                    </Typography>
                  </Td>
                  <Td><Typography>{experiment.arms.map((arm) => `${arm.key} ${arm.weight}`).join(' · ')}</Typography></Td>
                  <Td><Typography>{goalLabel(experiment.goals.primary)}</Typography></Td>
                  <Td><StatusBadge status={experiment.status} /></Td>
                </Tr>
              ))}
            </Tbody>
          </Table>
        )}
      </Layouts.Content>
    </Page.Main>
  );
};
