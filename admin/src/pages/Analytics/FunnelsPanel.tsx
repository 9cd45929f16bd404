import { Box, Button, Flex, SingleSelect, SingleSelectOption, Typography } from '@strapi/design-system';
import { Pencil, Plus, Trash } from '@strapi/icons';
import { useFetchClient, useNotification, useRBAC } from '@strapi/strapi/admin';
import { useState } from 'react';
import { errorMessage, fieldErrors, type FactCatalog, type Funnel, type FunnelReport, type FunnelsMeta, type Segment } from '../../api/types';
import { useApi } from '../../api/use-api';
import { stepSuggestionsFromSeen } from '../../components/JourneyStepsEditor';
import { ConfirmDeleteDialog } from '../../components/ConfirmDeleteDialog';
import { Panel } from '../../components/Layout/Panel';
import { PERMISSIONS } from '../../permissions';
import { useTranslate } from '../../utils/use-translate';
import { emptyFunnelDraft, fromFunnel, toFunnelBody, type FunnelDraft } from './funnel-form';
import { FunnelForm } from './FunnelForm';
import { FunnelReportBars } from './FunnelReportBars';

/**
 * Funnels, on the Analytics page: pick a funnel and optionally a segment, and see for the page's
 * period how many visitors reached each step and where they dropped off; create, edit and delete
 * funnels with the same step editor as sequence rules (as the role allows).
 */
export const FunnelsPanel = ({ from, to }: { from: string; to: string }) => {
  const t = useTranslate();
  const { post, put, del } = useFetchClient();
  const { toggleNotification } = useNotification();
  const { allowedActions } = useRBAC(PERMISSIONS.funnels);
  const funnels = useApi<Funnel[], FunnelsMeta>('/personalization/funnels');
  // Both need segments.read: without it there is no segment filter and no name suggestions.
  const segments = useApi<Segment[]>('/personalization/segments');
  const catalog = useApi<FactCatalog>('/personalization/segments/facts');
  const [selected, setSelected] = useState<string | null>(null);
  const [segment, setSegment] = useState('');
  const [editing, setEditing] = useState<{ documentId: string | null; draft: FunnelDraft } | null>(null);
  const [errors, setErrors] = useState<Record<string, string>>({});
  const [saving, setSaving] = useState(false);
  const list = funnels.data ?? [];
  const current = list.find((funnel) => funnel.documentId === selected) ?? list[0];
  const report = useApi<FunnelReport>(current ? `/personalization/funnels/${current.documentId}/report?from=${from}&to=${to}${segment ? `&segment=${encodeURIComponent(segment)}` : ''}` : null);

  const save = async () => {
    if (!editing) return;
    setSaving(true);
    setErrors({});
    try {
      const body = toFunnelBody(editing.draft);
      const saved = editing.documentId ? await put(`/personalization/funnels/${editing.documentId}`, body) : await post('/personalization/funnels', body);
      toggleNotification({ type: 'success', message: t('funnels.saved', 'Funnel saved') });
      setEditing(null);
      setSelected((saved.data as { data: Funnel }).data.documentId);
      funnels.reload();
      report.reload();
    } catch (error) {
      setErrors(fieldErrors(error));
      toggleNotification({ type: 'danger', message: errorMessage(error) });
    } finally {
      setSaving(false);
    }
  };

  const remove = async (funnel: Funnel) => {
    try {
      await del(`/personalization/funnels/${funnel.documentId}`);
      toggleNotification({ type: 'success', message: t('funnels.deleted', 'Funnel deleted') });
      setSelected(null);
      funnels.reload();
    } catch (error) {
      toggleNotification({ type: 'danger', message: errorMessage(error) });
    }
  };

  const startEditing = (documentId: string | null, draft: FunnelDraft) => {
    setErrors({});
    setEditing({ documentId, draft });
  };

  return (
    <Panel
      title={t('analytics.funnels', 'Funnels: how far visitors get')}
      testId="analytics-funnels"
      action={
        allowedActions.canCreate && !editing ? (
          <Button variant="secondary" startIcon={<Plus />} onClick={() => startEditing(null, emptyFunnelDraft())}>
            {t('funnels.new', 'New funnel')}
          </Button>
        ) : undefined
      }
    >
      <Flex direction="column" alignItems="stretch" gap={4}>
        {editing && (
          <FunnelForm
            draft={editing.draft}
            onChange={(draft) => setEditing({ ...editing, draft })}
            errors={errors}
            suggestions={catalog.data ? stepSuggestionsFromSeen(catalog.data.seen) : undefined}
            saving={saving}
            onSave={save}
            onCancel={() => setEditing(null)}
          />
        )}
        {list.length === 0 && !editing && (
          <Typography textColor="neutral600">{t('funnels.none', 'No funnel yet: a funnel counts, as events arrive, how many visitors go through its steps in order.')}</Typography>
        )}
        {current && (
          <Flex gap={4} wrap="wrap" alignItems="flex-end">
            <Box minWidth="260px">
              <SingleSelect aria-label={t('funnels.pick', 'Funnel')} value={current.documentId} onChange={(value: string | number) => setSelected(String(value))}>
                {list.map((funnel) => (
                  <SingleSelectOption key={funnel.documentId} value={funnel.documentId}>
                    {funnel.enabled ? funnel.name : t('funnels.disabledName', '{name} (not counting)', { name: funnel.name })}
                  </SingleSelectOption>
                ))}
              </SingleSelect>
            </Box>
            {segments.data && (
              <Box minWidth="220px">
                <SingleSelect aria-label={t('funnels.segment', 'Segment')} value={segment} onChange={(value: string | number) => setSegment(String(value))}>
                  <SingleSelectOption value="">{t('funnels.allVisitors', 'All visitors')}</SingleSelectOption>
                  {segments.data.map((entry) => (
                    <SingleSelectOption key={entry.slug} value={entry.slug}>
                      {entry.name}
                    </SingleSelectOption>
                  ))}
                </SingleSelect>
              </Box>
            )}
            <Typography textColor="neutral600">{t('funnels.windowOf', 'within {window} of the first step', { window: current.window })}</Typography>
            {allowedActions.canUpdate && !editing && (
              <Button variant="tertiary" startIcon={<Pencil />} onClick={() => startEditing(current.documentId, fromFunnel(current))}>
                {t('funnels.edit', 'Edit')}
              </Button>
            )}
            {allowedActions.canDelete && !editing && (
              <ConfirmDeleteDialog
                startIcon={<Trash />}
                title={t('funnels.delete.title', 'Delete the funnel?')}
                body={t('funnels.delete.body', '“{name}” stops counting at once; its past counts stay in the daily counters until they expire, but no report shows them.', { name: current.name })}
                confirm={t('funnels.delete.confirm', 'Delete the funnel')}
                onConfirm={() => remove(current)}
              />
            )}
          </Flex>
        )}
        {report.error ? <Typography textColor="danger600">{errorMessage(report.error)}</Typography> : null}
        {current && report.data && <FunnelReportBars report={report.data} />}
      </Flex>
    </Panel>
  );
};
