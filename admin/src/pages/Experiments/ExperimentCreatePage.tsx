import { Box, Button, Field, Flex, Grid, IconButton, NumberInput, Radio, SingleSelect, SingleSelectOption, Textarea, TextInput, Typography } from '@strapi/design-system';
import { Plus, Trash } from '@strapi/icons';
import { Layouts, Page, useFetchClient, useNotification } from '@strapi/strapi/admin';
import { useState } from 'react';
import { useNavigate } from 'react-router-dom';
import { errorMessage, type ContentTypeInfo, type Experiment, type Segment } from '../../api/types';
import { useApi } from '../../api/use-api';
import { Panel } from '../../components/Layout/Panel';
import { useTranslate } from '../../utils/use-translate';
import { slugify } from '../../utils/slugify';
import { emptyExperimentForm, initialArms, toExperimentBody, type ExperimentForm } from './experiment-form';

type InputEvent = React.ChangeEvent<HTMLInputElement>;

/** A new experiment: what it tests, on whom, with which arms and weights, and what counts as a conversion. */
export const ExperimentCreatePage = () => {
  const t = useTranslate();
  const navigate = useNavigate();
  const { post } = useFetchClient();
  const { toggleNotification } = useNotification();
  const segments = useApi<Segment[]>('/personalization/segments');
  const contentTypes = useApi<ContentTypeInfo[]>('/personalization/content-types');
  const [form, setForm] = useState<ExperimentForm>(emptyExperimentForm);
  const [keyTouched, setKeyTouched] = useState(false);
  const [saving, setSaving] = useState(false);
  const set = (patch: Partial<ExperimentForm>) => setForm((previous) => ({ ...previous, ...patch }));
  const setArm = (index: number, patch: Partial<ExperimentForm['arms'][number]>) =>
    set({ arms: form.arms.map((arm, i) => (i === index ? { ...arm, ...patch } : arm)) });

  if (segments.loading || contentTypes.loading) return <Page.Loading />;
  if (!segments.data || !contentTypes.data) return <Page.Error />;
  const contentTypeSelect = (
    <SingleSelect value={form.contentType} onChange={(value: string | number) => set({ contentType: String(value) })}>
      {contentTypes.data.map((type) => (
        <SingleSelectOption key={type.uid} value={type.uid}>
          {type.displayName}
        </SingleSelectOption>
      ))}
    </SingleSelect>
  );

  const save = async () => {
    setSaving(true);
    try {
      const response = await post<{ data: Experiment }>('/personalization/experiments', toExperimentBody(form));
      toggleNotification({ type: 'success', message: t('experiment.created', 'Experiment created as a draft') });
      navigate(`../${response.data.data.documentId}`, { relative: 'path' });
    } catch (error) {
      toggleNotification({ type: 'danger', message: errorMessage(error) });
    } finally {
      setSaving(false);
    }
  };

  const segmentOptions = segments.data.map((segment) => (
    <SingleSelectOption key={segment.slug} value={segment.slug}>
      {segment.name}
    </SingleSelectOption>
  ));

  return (
    <Page.Main>
      <Page.Title>{t('experiment.new', 'New experiment')}</Page.Title>
      <Layouts.Header
        title={t('experiment.new', 'New experiment')}
        primaryAction={
          <Button onClick={save} loading={saving} disabled={!form.name || !form.key}>
            {t('experiment.create', 'Create')}
          </Button>
        }
      />
      <Layouts.Content>
        <Flex direction="column" alignItems="stretch" gap={4}>
          <Panel title={t('experiment.about', 'About')}>
            <Grid.Root gap={4}>
              <Grid.Item col={6} s={12} direction="column" alignItems="stretch">
                <Field.Root name="name" required>
                  <Field.Label>{t('experiment.name', 'Name')}</Field.Label>
                  <TextInput value={form.name} onChange={(event: InputEvent) => set({ name: event.target.value, ...(keyTouched ? {} : { key: slugify(event.target.value) }) })} />
                </Field.Root>
              </Grid.Item>
              <Grid.Item col={6} s={12} direction="column" alignItems="stretch">
                <Field.Root name="key" required hint={t('experiment.key.hint', 'Assignments are hashed from it; it cannot change later.')}>
                  <Field.Label>{t('experiment.key', 'Key')}</Field.Label>
                  <TextInput value={form.key} onChange={(event: InputEvent) => { setKeyTouched(true); set({ key: event.target.value }); }} />
                  <Field.Hint />
                </Field.Root>
              </Grid.Item>
              <Grid.Item col={12} direction="column" alignItems="stretch">
                <Field.Root name="description">
                  <Field.Label>{t('experiment.description', 'Hypothesis')}</Field.Label>
                  <Textarea value={form.description} onChange={(event: React.ChangeEvent<HTMLTextAreaElement>) => set({ description: event.target.value })} />
                </Field.Root>
              </Grid.Item>
            </Grid.Root>
          </Panel>

          <Panel title={t('experiment.target', 'What it tests')}>
            <Flex direction="column" alignItems="stretch" gap={4}>
              <Radio.Group aria-label={t('experiment.target', 'What it tests')} value={form.targetKind} onValueChange={(value: string) => set({ targetKind: value as ExperimentForm['targetKind'], arms: initialArms(value as ExperimentForm['targetKind']) })}>
                <Radio.Item value="segment">{t('experiment.target.segment', "A segment's variants on every entry that has one, against the base")}</Radio.Item>
                <Radio.Item value="entry">{t('experiment.target.entry', 'Variants of one entry, against the base (A/B or multivariate)')}</Radio.Item>
                <Radio.Item value="recommendations">{t('experiment.target.recommendations', 'Recommendation strategies of one content type (arms: cf-v1, next-v1, topic-v1, popular-v1; control is the default strategy)')}</Radio.Item>
              </Radio.Group>
              {form.targetKind === 'segment' ? (
                <Field.Root name="targetSegment" required>
                  <Field.Label>{t('experiment.targetSegment', 'Segment')}</Field.Label>
                  <SingleSelect value={form.targetSegment} onChange={(value: string | number) => set({ targetSegment: String(value) })}>
                    {segmentOptions}
                  </SingleSelect>
                </Field.Root>
              ) : form.targetKind === 'recommendations' ? (
                <Field.Root name="contentType" required>
                  <Field.Label>{t('experiment.contentType', 'Content type')}</Field.Label>
                  {contentTypeSelect}
                </Field.Root>
              ) : (
                <Grid.Root gap={4}>
                  <Grid.Item col={4} s={12} direction="column" alignItems="stretch">
                    <Field.Root name="contentType" required>
                      <Field.Label>{t('experiment.contentType', 'Content type')}</Field.Label>
                      {contentTypeSelect}
                    </Field.Root>
                  </Grid.Item>
                  <Grid.Item col={5} s={12} direction="column" alignItems="stretch">
                    <Field.Root name="documentId" required hint={t('experiment.documentId.hint', 'Shown in the Personalization panel of the entry')}>
                      <Field.Label>{t('experiment.documentId', 'Entry documentId')}</Field.Label>
                      <TextInput value={form.documentId} onChange={(event: InputEvent) => set({ documentId: event.target.value })} />
                      <Field.Hint />
                    </Field.Root>
                  </Grid.Item>
                  <Grid.Item col={3} s={12} direction="column" alignItems="stretch">
                    <Field.Root name="locale" hint={t('experiment.locale.hint', 'Localized types only')}>
                      <Field.Label>{t('experiment.locale', 'Locale')}</Field.Label>
                      <TextInput value={form.locale} onChange={(event: InputEvent) => set({ locale: event.target.value })} />
                      <Field.Hint />
                    </Field.Root>
                  </Grid.Item>
                </Grid.Root>
              )}
              <Field.Root name="audience" hint={t('experiment.audience.hint', 'Who takes part; everyone else sees what they would without the experiment.')}>
                <Field.Label>{t('experiment.audience', 'Audience')}</Field.Label>
                <SingleSelect value={form.audience || '*'} onChange={(value: string | number) => set({ audience: value === '*' ? '' : String(value) })}>
                  <SingleSelectOption value="*">{t('experiment.audience.everyone', 'Everyone')}</SingleSelectOption>
                  {segmentOptions}
                </SingleSelect>
                <Field.Hint />
              </Field.Root>
            </Flex>
          </Panel>

          <Panel title={t('experiment.arms', 'Arms and traffic')}>
            <Flex direction="column" alignItems="stretch" gap={3}>
              <Typography textColor="neutral600">
                {t('experiment.arms.hint', '"control" is the base entry. Weights are relative; a visitor keeps their arm for the whole experiment even if weights change.')}
              </Typography>
              {form.arms.map((arm, index) => (
                <Flex key={index} gap={2} alignItems="flex-end">
                  <Box minWidth="220px">
                    <TextInput aria-label={t('experiment.arm.key', 'Arm key')} value={arm.key} disabled={arm.key === 'control' && index === 0} onChange={(event: InputEvent) => setArm(index, { key: event.target.value })} />
                  </Box>
                  <Box minWidth="140px">
                    <NumberInput aria-label={t('experiment.arm.weight', 'Weight')} value={arm.weight} onValueChange={(value: number | undefined) => setArm(index, { weight: value ?? 0 })} />
                  </Box>
                  {form.targetKind !== 'segment' && index > 1 && (
                    <IconButton label={t('experiment.arm.remove', 'Remove arm')} onClick={() => set({ arms: form.arms.filter((_, i) => i !== index) })}>
                      <Trash />
                    </IconButton>
                  )}
                </Flex>
              ))}
              {form.targetKind !== 'segment' && form.arms.length < 10 && (
                <Box>
                  <Button variant="tertiary" startIcon={<Plus />} onClick={() => set({ arms: [...form.arms, { key: `variant-${form.arms.length}`, weight: 50 }] })}>
                    {t('experiment.arm.add', 'Add arm')}
                  </Button>
                </Box>
              )}
              <Field.Root name="holdoutPercent" hint={t('experiment.holdout.hint', 'Share of the audience kept out of the experiment entirely (0–50 %).')}>
                <Field.Label>{t('experiment.holdout', 'Holdout %')}</Field.Label>
                <NumberInput value={form.holdoutPercent} onValueChange={(value: number | undefined) => set({ holdoutPercent: value ?? 0 })} />
                <Field.Hint />
              </Field.Root>
            </Flex>
          </Panel>

          <Panel title={t('experiment.goal', 'Primary goal')}>
            <Flex direction="column" alignItems="stretch" gap={4}>
              <Radio.Group aria-label={t('experiment.goal', 'Primary goal')} value={form.goalKind} onValueChange={(value: string) => set({ goalKind: value as ExperimentForm['goalKind'] })}>
                <Radio.Item value="event">{t('experiment.goal.event', 'An event, e.g. Signup')}</Radio.Item>
                <Radio.Item value="category">{t('experiment.goal.category', 'A category and action, e.g. cta / click')}</Radio.Item>
              </Radio.Group>
              {form.goalKind === 'event' ? (
                <Field.Root name="goalEvent" required>
                  <Field.Label>{t('experiment.goal.eventName', 'Event name')}</Field.Label>
                  <TextInput value={form.goalEvent} onChange={(event: InputEvent) => set({ goalEvent: event.target.value })} />
                </Field.Root>
              ) : (
                <Grid.Root gap={4}>
                  <Grid.Item col={6} s={12} direction="column" alignItems="stretch">
                    <Field.Root name="goalCategory" required>
                      <Field.Label>{t('experiment.goal.categoryName', 'Category')}</Field.Label>
                      <TextInput value={form.goalCategory} onChange={(event: InputEvent) => set({ goalCategory: event.target.value })} />
                    </Field.Root>
                  </Grid.Item>
                  <Grid.Item col={6} s={12} direction="column" alignItems="stretch">
                    <Field.Root name="goalAction">
                      <Field.Label>{t('experiment.goal.actionName', 'Action')}</Field.Label>
                      <TextInput value={form.goalAction} onChange={(event: InputEvent) => set({ goalAction: event.target.value })} />
                    </Field.Root>
                  </Grid.Item>
                </Grid.Root>
              )}
            </Flex>
          </Panel>
        </Flex>
      </Layouts.Content>
    </Page.Main>
  );
};
