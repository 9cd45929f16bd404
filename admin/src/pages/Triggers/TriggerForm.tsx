import { Alert, Button, Checkbox, Field, Flex, Grid, NumberInput, TextInput, Toggle, Typography } from '@strapi/design-system';
import { Layouts, Page, useFetchClient, useNotification, useRBAC } from '@strapi/strapi/admin';
import { useEffect, useState } from 'react';
import { useNavigate, useParams } from 'react-router-dom';
import { errorMessage, fieldErrors, type FactCatalog, type Segment, type Trigger, type TriggersMeta } from '../../api/types';
import { useApi } from '../../api/use-api';
import { Panel } from '../../components/Layout/Panel';
import { factSpec, RuleBuilder } from '../../components/RuleBuilder/RuleBuilder';
import { fromRules, toRules, type GroupNode, type Rule } from '../../components/RuleBuilder/rule-tree';
import { PERMISSIONS } from '../../permissions';
import { slugify } from '../../utils/slugify';
import { useTranslate } from '../../utils/use-translate';
import { ActionFields } from './ActionFields';
import { ConditionFields } from './ConditionFields';
import { DeleteTriggerDialog } from './DeleteTriggerDialog';
import { emptyTriggerDraft, errorAt, fromTrigger, toTriggerBody, type TriggerDraft } from './trigger-form';

type InputEvent = React.ChangeEvent<HTMLInputElement>;

/**
 * A new trigger or an existing one: name and slug, status and limits, the condition, an optional
 * audience (the segment rule builder) and the actions. The server checks the whole trigger on
 * save; its 400 answer is shown next to each field it names.
 */
export const TriggerForm = () => {
  const { documentId } = useParams();
  const isNew = !documentId;
  const t = useTranslate();
  const navigate = useNavigate();
  const { post, put, del } = useFetchClient();
  const { toggleNotification } = useNotification();
  const { allowedActions } = useRBAC(PERMISSIONS.triggers);
  // The list's meta: destinations, heartbeats, operators and content types the form offers.
  const list = useApi<Trigger[], TriggersMeta>('/personalization/triggers');
  const existing = useApi<Trigger>(isNew ? null : `/personalization/triggers/${documentId}`);
  // Both need segments.read; without it the segment is typed and the audience cannot be edited.
  const segments = useApi<Segment[]>('/personalization/segments');
  const catalog = useApi<FactCatalog>('/personalization/segments/facts');

  const [draft, setDraft] = useState<TriggerDraft | null>(null);
  const [tree, setTree] = useState<GroupNode>(() => fromRules(null));
  const [slugTouched, setSlugTouched] = useState(false);
  const [errors, setErrors] = useState<Record<string, string>>({});
  const [saving, setSaving] = useState(false);
  const set = (patch: Partial<TriggerDraft>) => setDraft((previous) => (previous ? { ...previous, ...patch } : previous));
  const meta = list.meta;

  useEffect(() => {
    if (draft || !meta) return;
    if (isNew) setDraft(emptyTriggerDraft(meta));
    else if (existing.data) {
      setDraft(fromTrigger(existing.data, meta));
      setTree(fromRules(existing.data.audience as Rule | null | undefined));
    }
  }, [draft, meta, isNew, existing.data]);

  if (list.error || existing.error) return <Page.Error />;
  if (!draft || !meta) return <Page.Loading />;

  const readOnly = isNew ? !allowedActions.canCreate : !allowedActions.canUpdate;
  const title = isNew ? t('trigger.new', 'New trigger') : draft.name || t('trigger.untitled', 'Trigger');

  const save = async () => {
    setSaving(true);
    setErrors({});
    try {
      const audience = draft.audienceOn && catalog.data ? toRules(tree, (fact) => factSpec(catalog.data!, fact).type) : (existing.data?.audience ?? null);
      const body = toTriggerBody(draft, audience, isNew);
      if (isNew) await post('/personalization/triggers', body);
      else await put(`/personalization/triggers/${documentId}`, body);
      toggleNotification({ type: 'success', message: t('trigger.saved', 'Trigger saved') });
      navigate('..', { relative: 'path' });
    } catch (error) {
      setErrors(fieldErrors(error));
      toggleNotification({ type: 'danger', message: errorMessage(error) });
    } finally {
      setSaving(false);
    }
  };

  const remove = async () => {
    try {
      await del(`/personalization/triggers/${documentId}`);
      toggleNotification({ type: 'success', message: t('trigger.deleted', 'Trigger deleted') });
      navigate('..', { relative: 'path' });
    } catch (error) {
      toggleNotification({ type: 'danger', message: errorMessage(error) });
    }
  };

  return (
    <Page.Main>
      <Page.Title>{title}</Page.Title>
      <Layouts.Header
        title={title}
        subtitle={isNew ? undefined : draft.slug}
        primaryAction={
          !readOnly ? (
            <Button onClick={save} loading={saving} disabled={!draft.name.trim() || !draft.slug}>
              {t('trigger.save', 'Save')}
            </Button>
          ) : undefined
        }
        secondaryAction={!isNew && allowedActions.canDelete ? <DeleteTriggerDialog name={draft.name} onConfirm={remove} /> : undefined}
      />
      <Layouts.Content>
        <Flex direction="column" alignItems="stretch" gap={4}>
          {!meta.enabled && (
            <Alert variant="warning" title={t('triggers.disabled.title', 'Triggers are off')} closeLabel={t('common.close', 'Close')}>
              {t('triggers.disabled', 'triggers.enabled is false in the plugin config: nothing is matched, scheduled or sent.')}
            </Alert>
          )}
          <Panel title={t('trigger.about', 'About')}>
            <Grid.Root gap={4}>
              <Grid.Item col={6} s={12} direction="column" alignItems="stretch">
                <Field.Root name="name" required error={errorAt(errors, 'name')}>
                  <Field.Label>{t('trigger.name', 'Name')}</Field.Label>
                  <TextInput
                    value={draft.name}
                    disabled={readOnly}
                    onChange={(event: InputEvent) => set({ name: event.target.value, ...(isNew && !slugTouched ? { slug: slugify(event.target.value) } : {}) })}
                  />
                  <Field.Error />
                </Field.Root>
              </Grid.Item>
              <Grid.Item col={6} s={12} direction="column" alignItems="stretch">
                <Field.Root name="slug" required error={errorAt(errors, 'slug')} hint={t('trigger.slug.hint', 'Deliveries and counters refer to it; it cannot change later.')}>
                  <Field.Label>{t('trigger.slug', 'Slug')}</Field.Label>
                  <TextInput
                    value={draft.slug}
                    disabled={!isNew || readOnly}
                    onChange={(event: InputEvent) => {
                      setSlugTouched(true);
                      set({ slug: event.target.value });
                    }}
                  />
                  <Field.Hint />
                  <Field.Error />
                </Field.Root>
              </Grid.Item>
              <Grid.Item col={4} s={12} direction="column" alignItems="stretch">
                <Field.Root name="enabled" error={errorAt(errors, 'enabled')}>
                  <Field.Label>{t('trigger.enabled', 'Enabled')}</Field.Label>
                  <Toggle
                    onLabel={t('common.on', 'On')}
                    offLabel={t('common.off', 'Off')}
                    checked={draft.enabled}
                    disabled={readOnly}
                    onChange={(event: InputEvent) => set({ enabled: event.target.checked })}
                  />
                  <Field.Error />
                </Field.Root>
              </Grid.Item>
              <Grid.Item col={4} s={12} direction="column" alignItems="stretch">
                <Field.Root name="cooldown" required error={errorAt(errors, 'cooldown')} hint={t('trigger.cooldown.hint', 'The same visitor is not acted on again within it, e.g. 30m, 1d')}>
                  <Field.Label>{t('trigger.cooldown', 'Cool-down')}</Field.Label>
                  <TextInput value={draft.cooldown} disabled={readOnly} onChange={(event: InputEvent) => set({ cooldown: event.target.value })} />
                  <Field.Hint />
                  <Field.Error />
                </Field.Root>
              </Grid.Item>
              <Grid.Item col={4} s={12} direction="column" alignItems="stretch">
                <Field.Root name="maxPerMinute" error={errorAt(errors, 'maxPerMinute')} hint={t('trigger.maxPerMinute.hint', 'For the whole site; empty is no limit. Firings past it are dropped and counted.')}>
                  <Field.Label>{t('trigger.maxPerMinute', 'At most per minute')}</Field.Label>
                  <NumberInput value={draft.maxPerMinute} disabled={readOnly} onValueChange={(value: number | undefined) => set({ maxPerMinute: value })} />
                  <Field.Hint />
                  <Field.Error />
                </Field.Root>
              </Grid.Item>
            </Grid.Root>
          </Panel>

          <Panel title={t('trigger.condition', 'Condition')}>
            <ConditionFields draft={draft} set={set} meta={meta} segments={segments.data} errors={errors} disabled={readOnly} />
          </Panel>

          <Panel title={t('trigger.audience', 'Audience')}>
            <Flex direction="column" alignItems="stretch" gap={4} data-testid="trigger-audience">
              <Checkbox checked={draft.audienceOn} disabled={readOnly || !catalog.data} onCheckedChange={(value: boolean | 'indeterminate') => set({ audienceOn: value === true })}>
                {t('trigger.audience.on', 'Only visitors whose profile matches these rules (the segment rule language)')}
              </Checkbox>
              {!catalog.data && !catalog.loading && (
                <Typography variant="pi" textColor="neutral600">
                  {t('trigger.audience.noAccess', 'Editing an audience needs the permission to read segments.')}
                </Typography>
              )}
              {draft.audienceOn && catalog.data && <RuleBuilder value={tree} onChange={setTree} catalog={catalog.data} disabled={readOnly} />}
              {Object.entries(errors)
                .filter(([path]) => path === 'audience' || path.startsWith('audience.'))
                .map(([path, message]) => (
                  <Typography key={path} variant="pi" textColor="danger600">
                    {path === 'audience' ? message : `${path.slice('audience.'.length)}: ${message}`}
                  </Typography>
                ))}
            </Flex>
          </Panel>

          <Panel title={t('trigger.actions', 'Actions')}>
            <ActionFields draft={draft} set={set} meta={meta} errors={errors} disabled={readOnly} />
          </Panel>
        </Flex>
      </Layouts.Content>
    </Page.Main>
  );
};
