import { Badge, Box, Button, Checkbox, Field, Flex, Grid, Modal, NumberInput, SingleSelect, SingleSelectOption, TextInput, Toggle, Typography } from '@strapi/design-system';
import { useFetchClient, useNotification } from '@strapi/strapi/admin';
import { useState } from 'react';
import { errorMessage, type Segment, type VariantEditorData } from '../api/types';
import { useTranslate } from '../utils/use-translate';
import { BaseValue } from './BaseValue';
import { FieldInput } from './inputs/FieldInput';
import { changedFields, createBody, differsFromBase, setFieldValue, toggleOverride, updateBody, type VariantDraft } from './variant-draft';

export interface ArmOption {
  experiment: string;
  experimentName: string;
  arm: string;
}

interface Props {
  entry: { contentType: string; documentId: string; locale?: string | null };
  editor: VariantEditorData;
  segments: Segment[];
  arms: ArmOption[];
  initial: VariantDraft;
  /** The variant's id when editing; absent when adding or duplicating. */
  variantId?: string;
  onClose: () => void;
  onSaved: () => void;
}

const audienceValue = (draft: VariantDraft) => (draft.audience === 'segment' ? `segment:${draft.segment}` : `arm:${draft.experiment}:${draft.arm}`);

/**
 * Authoring one variant: who it is for, its priority, and for each field of the entry the base
 * value and, once "Override" is ticked, the variant's own value, marked when it differs.
 */
export const VariantEditorModal = ({ entry, editor, segments, arms, initial, variantId, onClose, onSaved }: Props) => {
  const t = useTranslate();
  const { post, put } = useFetchClient();
  const { toggleNotification } = useNotification();
  const [draft, setDraft] = useState(initial);
  const [saving, setSaving] = useState(false);
  const editing = variantId !== undefined;
  const changed = changedFields(draft, editor.base);
  const hasAudience = draft.audience === 'segment' ? draft.segment !== '' : draft.arm !== '';

  const save = async () => {
    setSaving(true);
    try {
      if (editing) await put(`/personalization/variants/${variantId}`, updateBody(draft));
      else await post('/personalization/variants', createBody(draft, entry));
      toggleNotification({ type: 'success', message: t('variant.saved', 'Variant saved: it is live for its segment once the entry is published') });
      onSaved();
    } catch (error) {
      toggleNotification({ type: 'danger', message: errorMessage(error) });
    } finally {
      setSaving(false);
    }
  };

  return (
    <Modal.Root open onOpenChange={(open: boolean) => !open && onClose()}>
      <Modal.Content>
        <Modal.Header closeLabel={t('common.close', 'Close')}>
          <Modal.Title>{editing ? t('variant.edit', 'Edit variant') : t('variant.new', 'New variant')}</Modal.Title>
        </Modal.Header>
        <Modal.Body>
          <Flex direction="column" alignItems="stretch" gap={6}>
            <Grid.Root gap={4}>
              <Grid.Item col={6} s={12} direction="column" alignItems="stretch">
                <Field.Root name="audience" required hint={t('variant.audience.hint', 'Members of this segment get this variant')}>
                  <Field.Label>{t('variant.audience', 'Shown to')}</Field.Label>
                  <SingleSelect
                    value={hasAudience ? audienceValue(draft) : ''}
                    placeholder={t('variant.audience.placeholder', 'Pick a segment')}
                    disabled={editing && draft.audience === 'arm'}
                    onChange={(value: string | number) => {
                      const [kind, first, second] = String(value).split(':');
                      setDraft((previous) =>
                        kind === 'segment' ? { ...previous, audience: 'segment', segment: first, experiment: '', arm: '' } : { ...previous, audience: 'arm', experiment: first, arm: second, segment: '' }
                      );
                    }}
                  >
                    {segments.map((segment) => (
                      <SingleSelectOption key={segment.slug} value={`segment:${segment.slug}`}>
                        {segment.name}
                      </SingleSelectOption>
                    ))}
                    {(!editing || draft.audience === 'arm') &&
                      arms.map((option) => (
                        <SingleSelectOption key={`${option.experiment}:${option.arm}`} value={`arm:${option.experiment}:${option.arm}`}>
                          {t('variant.audience.arm', 'Experiment {experiment}: arm {arm}', { experiment: option.experimentName, arm: option.arm })}
                        </SingleSelectOption>
                      ))}
                  </SingleSelect>
                  <Field.Hint />
                </Field.Root>
              </Grid.Item>
              <Grid.Item col={6} s={12} direction="column" alignItems="stretch">
                <Field.Root name="label" hint={t('variant.label.hint', 'For you and the analytics page')}>
                  <Field.Label>{t('variant.label', 'Label')}</Field.Label>
                  <TextInput value={draft.label} onChange={(event: React.ChangeEvent<HTMLInputElement>) => setDraft({ ...draft, label: event.target.value })} />
                  <Field.Hint />
                </Field.Root>
              </Grid.Item>
              <Grid.Item col={6} s={12} direction="column" alignItems="stretch">
                <Field.Root name="priority" hint={t('variant.priority.hint', 'When a visitor is in several segments with a variant, the highest priority wins')}>
                  <Field.Label>{t('variant.priority', 'Priority')}</Field.Label>
                  <NumberInput value={draft.priority} onValueChange={(value: number | undefined) => setDraft({ ...draft, priority: value ?? 0 })} />
                  <Field.Hint />
                </Field.Root>
              </Grid.Item>
              <Grid.Item col={6} s={12} direction="column" alignItems="stretch">
                <Field.Root name="enabled">
                  <Field.Label>{t('variant.enabled', 'Enabled')}</Field.Label>
                  <Toggle onLabel={t('common.on', 'On')} offLabel={t('common.off', 'Off')} checked={draft.enabled} onChange={(event: React.ChangeEvent<HTMLInputElement>) => setDraft({ ...draft, enabled: event.target.checked })} />
                </Field.Root>
              </Grid.Item>
            </Grid.Root>

            <Flex direction="column" alignItems="stretch" gap={1}>
              <Typography variant="delta" tag="h3">
                {t('variant.fields', 'Fields')}
              </Typography>
              <Typography textColor="neutral600">
                {editor.baseStatus === 'published'
                  ? t('variant.fields.hint', 'Tick a field to override it; everything else stays as in the published entry.')
                  : t('variant.fields.hint.draft', 'Tick a field to override it. The entry is not published yet: the variant goes live when it is.')}
              </Typography>
            </Flex>
            {editor.fields.map((field) => {
              const overridden = field.name in draft.fields;
              const differs = overridden && differsFromBase(draft.fields[field.name], editor.base[field.name]);
              return (
                <Box key={field.name} padding={3} hasRadius borderColor={differs ? 'primary200' : 'neutral150'} borderStyle="solid" borderWidth="1px" background={differs ? 'primary100' : undefined} data-testid={`variant-field-${field.name}`}>
                  <Flex direction="column" alignItems="stretch" gap={2}>
                    <Flex justifyContent="space-between" gap={2}>
                      <Checkbox checked={overridden} onCheckedChange={(checked: boolean | 'indeterminate') => setDraft(toggleOverride(draft, field.name, checked === true, editor.base[field.name]))}>
                        {t('variant.override', 'Override {field}', { field: field.name })}
                      </Checkbox>
                      {overridden && (differs ? <Badge textColor="primary700" backgroundColor="primary200">{t('variant.differs', 'Differs from base')}</Badge> : <Badge>{t('variant.same', 'Same as base')}</Badge>)}
                    </Flex>
                    <BaseValue field={field} value={editor.base[field.name]} editor={editor} />
                    {overridden && <FieldInput field={field} value={draft.fields[field.name]} editor={editor} onChange={(value) => setDraft((previous) => setFieldValue(previous, field.name, value))} />}
                  </Flex>
                </Box>
              );
            })}
          </Flex>
        </Modal.Body>
        <Modal.Footer>
          <Typography textColor="neutral600" data-testid="variant-changes">
            {changed.length === 0 ? t('variant.changes.none', 'No field differs from the base yet') : t('variant.changes', 'Changes {fields}', { fields: changed.join(', ') })}
          </Typography>
          <Flex gap={2}>
            <Button variant="tertiary" onClick={onClose}>
              {t('common.cancel', 'Cancel')}
            </Button>
            <Button onClick={save} loading={saving} disabled={!hasAudience || Object.keys(draft.fields).length === 0}>
              {t('variant.save', 'Save variant')}
            </Button>
          </Flex>
        </Modal.Footer>
      </Modal.Content>
    </Modal.Root>
  );
};
