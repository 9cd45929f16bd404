import { Box, Button, Checkbox, Field, Flex, Grid, IconButton, NumberInput, SingleSelect, SingleSelectOption, TextInput, Typography } from '@strapi/design-system';
import { Plus, Trash } from '@strapi/icons';
import type { ReactNode } from 'react';
import type { TriggersMeta } from '../../api/types';
import { useTranslate } from '../../utils/use-translate';
import { contentTypeName } from './describe-trigger';
import { errorAt, STRATEGIES, type RecommendDraft, type TriggerDraft } from './trigger-form';

type InputEvent = React.ChangeEvent<HTMLInputElement>;

interface Props {
  draft: TriggerDraft;
  set: (patch: Partial<TriggerDraft>) => void;
  meta: TriggersMeta;
  errors: Record<string, string>;
  disabled?: boolean;
}

const ErrorText = ({ children }: { children?: string }) =>
  children ? (
    <Typography variant="pi" textColor="danger600">
      {children}
    </Typography>
  ) : null;

/** A checkbox that shows its fields, indented, when ticked. */
const Option = ({ label, checked, onChange, disabled, children }: { label: string; checked: boolean; onChange: (checked: boolean) => void; disabled?: boolean; children?: ReactNode }) => (
  <Flex direction="column" alignItems="stretch" gap={3}>
    <Checkbox checked={checked} disabled={disabled} onCheckedChange={(value: boolean | 'indeterminate') => onChange(value === true)}>
      {label}
    </Checkbox>
    {checked && children ? <Box paddingLeft={6}>{children}</Box> : null}
  </Flex>
);

const ContentTypeSelect = ({ value, onChange, contentTypes, disabled }: { value: string; onChange: (uid: string) => void; contentTypes: string[]; disabled?: boolean }) => (
  <SingleSelect value={value} disabled={disabled} onChange={(uid: string | number) => onChange(String(uid))}>
    {contentTypes.map((uid) => (
      <SingleSelectOption key={uid} value={uid}>
        {contentTypeName(uid)}
      </SingleSelectOption>
    ))}
  </SingleSelect>
);

/** Which recommendations: content type, how many, by which strategy. `path` locates the server's errors. */
const RecommendFields = ({ value, onChange, meta, errors, path, disabled }: { value: RecommendDraft; onChange: (next: RecommendDraft) => void; meta: TriggersMeta; errors: Record<string, string>; path: string; disabled?: boolean }) => {
  const t = useTranslate();
  return (
    <Grid.Root gap={4}>
      <Grid.Item col={5} s={12} direction="column" alignItems="stretch">
        <Field.Root name={`${path}.contentType`} required error={errorAt(errors, `${path}.contentType`) ?? errorAt(errors, path)}>
          <Field.Label>{t('trigger.recommend.contentType', 'Content type')}</Field.Label>
          <ContentTypeSelect value={value.contentType} onChange={(contentType) => onChange({ ...value, contentType })} contentTypes={meta.contentTypes} disabled={disabled} />
          <Field.Error />
        </Field.Root>
      </Grid.Item>
      <Grid.Item col={3} s={12} direction="column" alignItems="stretch">
        <Field.Root name={`${path}.limit`} error={errorAt(errors, `${path}.limit`)}>
          <Field.Label>{t('trigger.recommend.limit', 'How many')}</Field.Label>
          <NumberInput value={value.limit} disabled={disabled} onValueChange={(limit: number | undefined) => onChange({ ...value, limit: limit ?? 4 })} />
          <Field.Error />
        </Field.Root>
      </Grid.Item>
      <Grid.Item col={4} s={12} direction="column" alignItems="stretch">
        <Field.Root name={`${path}.strategy`} error={errorAt(errors, `${path}.strategy`)}>
          <Field.Label>{t('trigger.recommend.strategy', 'Strategy')}</Field.Label>
          <SingleSelect value={value.strategy || '*'} disabled={disabled} onChange={(strategy: string | number) => onChange({ ...value, strategy: strategy === '*' ? '' : String(strategy) })}>
            <SingleSelectOption value="*">{t('trigger.recommend.defaultStrategy', 'Default of the content type')}</SingleSelectOption>
            {STRATEGIES.map((strategy) => (
              <SingleSelectOption key={strategy} value={strategy}>
                {strategy}
              </SingleSelectOption>
            ))}
          </SingleSelect>
          <Field.Error />
        </Field.Root>
      </Grid.Item>
    </Grid.Root>
  );
};

/** The actions of a trigger: on-site (in the ingest answer) and outbound (a signed POST to a configured destination). */
export const ActionFields = ({ draft, set, meta, errors, disabled }: Props) => {
  const t = useTranslate();
  const absence = draft.conditionType === 'absence';
  const setData = (index: number, patch: Partial<TriggerDraft['onSiteData'][number]>) =>
    set({ onSiteData: draft.onSiteData.map((entry, i) => (i === index ? { ...entry, ...patch } : entry)) });
  const dataError = errorAt(errors, 'actions.onSite.data', true);

  return (
    <Flex direction="column" alignItems="stretch" gap={5}>
      <ErrorText>{errorAt(errors, 'actions')}</ErrorText>

      <Option
        label={t('trigger.onSite', 'On-site: in the answer to the request that reported the behavior (the tracker raises psn:trigger)')}
        checked={draft.onSiteOn && !absence}
        disabled={disabled || absence}
        onChange={(onSiteOn) => set({ onSiteOn })}
      >
        <Flex direction="column" alignItems="stretch" gap={3} data-testid="trigger-onsite">
          <Typography variant="pi" textColor="neutral600">
            {t('trigger.onSite.data.hint', 'Data for the page to render the action, e.g. title = More like this')}
          </Typography>
          {draft.onSiteData.map((entry, index) => (
            <Flex key={index} gap={2} alignItems="flex-end">
              <Box minWidth="200px">
                <TextInput aria-label={t('trigger.onSite.key', 'Key')} value={entry.key} disabled={disabled} onChange={(event: InputEvent) => setData(index, { key: event.target.value })} />
              </Box>
              <Box minWidth="280px">
                <TextInput aria-label={t('trigger.onSite.value', 'Value')} value={entry.value} disabled={disabled} onChange={(event: InputEvent) => setData(index, { value: event.target.value })} />
              </Box>
              <IconButton label={t('trigger.onSite.remove', 'Remove data')} disabled={disabled} onClick={() => set({ onSiteData: draft.onSiteData.filter((_, i) => i !== index) })}>
                <Trash />
              </IconButton>
            </Flex>
          ))}
          <ErrorText>{dataError}</ErrorText>
          <Box>
            <Button variant="tertiary" size="S" startIcon={<Plus />} disabled={disabled || draft.onSiteData.length >= 20} onClick={() => set({ onSiteData: [...draft.onSiteData, { key: '', value: '' }] })}>
              {t('trigger.onSite.add', 'Add data')}
            </Button>
          </Box>
          <Option
            label={t('trigger.onSite.recommend', 'Recommend entries to the visitor')}
            checked={draft.onSiteRecommend.on}
            disabled={disabled}
            onChange={(on) => set({ onSiteRecommend: { ...draft.onSiteRecommend, on } })}
          >
            <RecommendFields
              value={draft.onSiteRecommend}
              onChange={(onSiteRecommend) => set({ onSiteRecommend })}
              meta={meta}
              errors={errors}
              path="actions.onSite.recommend"
              disabled={disabled}
            />
          </Option>
          <ErrorText>{errorAt(errors, 'actions.onSite')}</ErrorText>
        </Flex>
      </Option>
      {absence && (
        <Typography variant="pi" textColor="neutral600">
          {t('trigger.onSite.absence', 'Not for an absence: the visitor has left when it is known.')}
        </Typography>
      )}

      <Option
        label={t('trigger.outbound', 'Outbound: a signed POST to a destination of the plugin config')}
        checked={draft.outboundOn}
        disabled={disabled}
        onChange={(outboundOn) => set({ outboundOn })}
      >
        <Flex direction="column" alignItems="stretch" gap={4} data-testid="trigger-outbound">
          <Box maxWidth="480px">
            <Field.Root
              name="destination"
              required
              error={errorAt(errors, 'actions.outbound.destination') ?? errorAt(errors, 'actions.outbound')}
              hint={meta.destinations.length === 0 ? t('trigger.destination.none', 'No destinations yet: add them under triggers.destinations in config/plugins.ts') : undefined}
            >
              <Field.Label>{t('trigger.destination', 'Destination')}</Field.Label>
              <SingleSelect value={draft.destination} disabled={disabled} onChange={(value: string | number) => set({ destination: String(value) })}>
                {meta.destinations.map((destination) => (
                  <SingleSelectOption key={destination.name} value={destination.name}>
                    {`${destination.name} (${destination.url})`}
                  </SingleSelectOption>
                ))}
              </SingleSelect>
              <Field.Hint />
              <Field.Error />
            </Field.Root>
          </Box>
          <Option
            label={t('trigger.include.recommendations', "Include the visitor's recommended entries")}
            checked={draft.includeRecommendations.on}
            disabled={disabled}
            onChange={(on) => set({ includeRecommendations: { ...draft.includeRecommendations, on } })}
          >
            <RecommendFields
              value={draft.includeRecommendations}
              onChange={(includeRecommendations) => set({ includeRecommendations })}
              meta={meta}
              errors={errors}
              path="actions.outbound.include.recommendations"
              disabled={disabled}
            />
          </Option>
          <Option
            label={t('trigger.include.variant', 'Include an entry as this visitor is served it (their variant)')}
            checked={draft.includeVariant.on}
            disabled={disabled}
            onChange={(on) => set({ includeVariant: { ...draft.includeVariant, on } })}
          >
            <Grid.Root gap={4}>
              <Grid.Item col={4} s={12} direction="column" alignItems="stretch">
                <Field.Root name="variantContentType" required error={errorAt(errors, 'actions.outbound.include.variant.contentType') ?? errorAt(errors, 'actions.outbound.include.variant')}>
                  <Field.Label>{t('trigger.variant.contentType', 'Content type')}</Field.Label>
                  <ContentTypeSelect
                    value={draft.includeVariant.contentType}
                    onChange={(contentType) => set({ includeVariant: { ...draft.includeVariant, contentType } })}
                    contentTypes={meta.contentTypes}
                    disabled={disabled}
                  />
                  <Field.Error />
                </Field.Root>
              </Grid.Item>
              <Grid.Item col={5} s={12} direction="column" alignItems="stretch">
                <Field.Root name="variantDocumentId" required error={errorAt(errors, 'actions.outbound.include.variant.documentId')}>
                  <Field.Label>{t('trigger.variant.documentId', 'Entry documentId')}</Field.Label>
                  <TextInput value={draft.includeVariant.documentId} disabled={disabled} onChange={(event: InputEvent) => set({ includeVariant: { ...draft.includeVariant, documentId: event.target.value } })} />
                  <Field.Error />
                </Field.Root>
              </Grid.Item>
              <Grid.Item col={3} s={12} direction="column" alignItems="stretch">
                <Field.Root name="variantLocale" error={errorAt(errors, 'actions.outbound.include.variant.locale')} hint={t('trigger.variant.locale.hint', 'Localized types only')}>
                  <Field.Label>{t('trigger.variant.locale', 'Locale')}</Field.Label>
                  <TextInput value={draft.includeVariant.locale} disabled={disabled} onChange={(event: InputEvent) => set({ includeVariant: { ...draft.includeVariant, locale: event.target.value } })} />
                  <Field.Hint />
                  <Field.Error />
                </Field.Root>
              </Grid.Item>
            </Grid.Root>
          </Option>
          <Option
            label={t('trigger.visitorHour', 'Send at the hour of the week the visitor is usually active')}
            checked={draft.visitorHour.on}
            disabled={disabled}
            onChange={(on) => set({ visitorHour: { ...draft.visitorHour, on } })}
          >
            <Box maxWidth="320px">
              <Field.Root name="withinHours" error={errorAt(errors, 'actions.outbound.visitorHour.withinHours')} hint={t('trigger.visitorHour.hint', 'Wait at most this many hours (1 to 168)')}>
                <Field.Label>{t('trigger.visitorHour.within', 'Within hours')}</Field.Label>
                <NumberInput
                  value={draft.visitorHour.withinHours}
                  disabled={disabled}
                  onValueChange={(withinHours: number | undefined) => set({ visitorHour: { ...draft.visitorHour, withinHours: withinHours ?? 24 } })}
                />
                <Field.Hint />
                <Field.Error />
              </Field.Root>
            </Box>
          </Option>
        </Flex>
      </Option>
    </Flex>
  );
};
