import { Box, Button, Flex, IconButton, Typography } from '@strapi/design-system';
import { Duplicate, Eye, Pencil, Plus, Trash } from '@strapi/icons';
import { useFetchClient, useNotification, useRBAC } from '@strapi/strapi/admin';
import { useState } from 'react';
import { Link } from 'react-router-dom';
import { errorMessage, type Experiment, type Segment, type Variant, type VariantEditorData } from '../api/types';
import { useApi } from '../api/use-api';
import { StatusBadge } from '../components/Layout/StatusBadge';
import { PERMISSIONS } from '../permissions';
import { useTranslate } from '../utils/use-translate';
import { draftOf, newDraft, type VariantDraft } from './variant-draft';
import { VariantEditorModal, type ArmOption } from './VariantEditorModal';

interface Props {
  contentType: string;
  documentId?: string;
  locale: string | null;
}

type Editing = { draft: VariantDraft; variantId?: string } | null;

const query = (values: Record<string, string | null | undefined>) =>
  new URLSearchParams(Object.entries(values).filter((entry): entry is [string, string] => Boolean(entry[1]))).toString();

/** The entry's variants, highest priority first, and the editor to add or change one. */
export const VariantsPanelContent = ({ contentType, documentId, locale }: Props) => {
  const t = useTranslate();
  const { del } = useFetchClient();
  const { toggleNotification } = useNotification();
  const { allowedActions } = useRBAC(PERMISSIONS.variants);
  const experimentsAccess = useRBAC(PERMISSIONS.experiments);
  const entryQuery = query({ contentType, documentId, locale });
  const variants = useApi<Variant[]>(documentId ? `/personalization/variants?${entryQuery}` : null);
  const segments = useApi<Segment[]>(documentId ? '/personalization/segments' : null);
  const experiments = useApi<Experiment[]>(documentId && experimentsAccess.allowedActions.canRead ? '/personalization/experiments' : null);
  const [editing, setEditing] = useState<Editing>(null);
  const editor = useApi<VariantEditorData>(editing && documentId ? `/personalization/variants/editor?${entryQuery}` : null);

  if (!documentId) {
    return <Typography textColor="neutral600">{t('panel.saveFirst', 'Save the entry to add variants for your segments.')}</Typography>;
  }

  const segmentName = (slug: string | null) => segments.data?.find((segment) => segment.slug === slug)?.name ?? slug ?? '';
  const arms: ArmOption[] = (experiments.data ?? [])
    .filter((experiment) => experiment.targetKind === 'entry' && experiment.entryDocumentId === documentId && experiment.contentType === contentType && experiment.status !== 'stopped')
    .flatMap((experiment) =>
      experiment.arms
        .filter((arm) => arm.key !== 'control' && !variants.data?.some((variant) => variant.experiment === experiment.key && variant.arm === arm.key))
        .map((arm) => ({ experiment: experiment.key, experimentName: experiment.name, arm: arm.key }))
    );

  const remove = async (variant: Variant) => {
    if (!window.confirm(t('panel.delete.confirm', 'Delete this variant? Visitors of its segment will see the base entry.'))) return;
    try {
      await del(`/personalization/variants/${variant.id}`);
      variants.reload();
    } catch (error) {
      toggleNotification({ type: 'danger', message: errorMessage(error) });
    }
  };

  return (
    <Flex direction="column" alignItems="stretch" gap={3} width="100%" data-testid="personalization-panel">
      {variants.data?.length === 0 && <Typography textColor="neutral600">{t('panel.empty', 'No variants: every visitor sees this entry as it is.')}</Typography>}
      {variants.data?.map((variant) => (
        <Box key={variant.id} padding={3} hasRadius borderColor="neutral200" borderStyle="solid" borderWidth="1px" data-testid="personalization-variant">
          <Flex direction="column" alignItems="stretch" gap={1}>
            {/* The side panel is narrow: a long title wraps rather than being cut off. */}
            <Flex justifyContent="space-between" alignItems="flex-start" gap={2}>
              <Typography fontWeight="bold" style={{ overflowWrap: 'anywhere' }}>
                {variant.label ?? (variant.segment ? segmentName(variant.segment) : `${variant.experiment} · ${variant.arm}`)}
              </Typography>
              <StatusBadge status={variant.enabled ? 'enabled' : 'disabled'} />
            </Flex>
            <Typography variant="pi" textColor="neutral600">
              {variant.segment
                ? t('panel.variant.segment', 'Segment {segment}, priority {priority}', { segment: segmentName(variant.segment), priority: variant.priority })
                : t('panel.variant.arm', 'Experiment {experiment}, arm {arm}', { experiment: variant.experiment ?? '', arm: variant.arm ?? '' })}
            </Typography>
            <Typography variant="pi" textColor="neutral600">
              {t('panel.variant.fields', 'Overrides {fields}', { fields: Object.keys(variant.fields).join(', ') })}
            </Typography>
            {variant.disabledReason && (
              <Typography variant="pi" textColor="danger600">
                {variant.disabledReason}
              </Typography>
            )}
            <Flex gap={1} paddingTop={1}>
              {allowedActions.canUpdate && (
                <IconButton label={t('panel.variant.edit', 'Edit')} onClick={() => setEditing({ draft: draftOf(variant), variantId: variant.id })}>
                  <Pencil />
                </IconButton>
              )}
              {allowedActions.canCreate && (
                <IconButton label={t('panel.variant.duplicate', 'Duplicate')} onClick={() => setEditing({ draft: draftOf(variant, { copy: true }) })}>
                  <Duplicate />
                </IconButton>
              )}
              {allowedActions.canDelete && (
                <IconButton label={t('panel.variant.delete', 'Delete')} onClick={() => remove(variant)}>
                  <Trash />
                </IconButton>
              )}
              {variant.segment && (
                <IconButton
                  tag={Link}
                  to={`/plugins/personalization/preview?${query({ contentType, documentId, locale, segment: variant.segment })}`}
                  label={t('panel.variant.preview', 'Preview as segment {segment}', { segment: segmentName(variant.segment) })}
                >
                  <Eye />
                </IconButton>
              )}
            </Flex>
          </Flex>
        </Box>
      ))}
      {allowedActions.canCreate && (
        <Button variant="secondary" startIcon={<Plus />} fullWidth onClick={() => setEditing({ draft: newDraft() })}>
          {t('panel.add', 'Add a variant')}
        </Button>
      )}
      <Typography variant="pi" textColor="neutral600">
        {t('panel.documentId', 'Entry documentId: {documentId}', { documentId })}
      </Typography>
      {editing && editor.data && (
        <VariantEditorModal
          entry={{ contentType, documentId, locale }}
          editor={editor.data}
          segments={segments.data ?? []}
          arms={arms}
          initial={editing.draft}
          variantId={editing.variantId}
          onClose={() => setEditing(null)}
          onSaved={() => {
            setEditing(null);
            variants.reload();
          }}
        />
      )}
    </Flex>
  );
};
