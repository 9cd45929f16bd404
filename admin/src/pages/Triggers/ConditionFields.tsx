import { Box, Field, Flex, Grid, SingleSelect, SingleSelectOption, TextInput, Typography } from '@strapi/design-system';
import type { Segment, TriggersMeta } from '../../api/types';
import { useTranslate } from '../../utils/use-translate';
import { contentTypeName } from './describe-trigger';
import { PropertyFilters } from './PropertyFilters';
import { CONDITION_TYPES, errorAt, type ConditionType, type EventDraft, type TriggerDraft } from './trigger-form';

type InputEvent = React.ChangeEvent<HTMLInputElement>;

interface Props {
  draft: TriggerDraft;
  set: (patch: Partial<TriggerDraft>) => void;
  meta: TriggersMeta;
  /** The segments to choose from; undefined when the role may not read segments. */
  segments?: Segment[];
  errors: Record<string, string>;
  disabled?: boolean;
}

/** An event name with its property filters (the event of "event", both events of "absence"). */
const EventFields = ({
  label,
  name,
  value,
  onChange,
  path,
  meta,
  errors,
  disabled,
}: {
  label: string;
  name: string;
  value: EventDraft;
  onChange: (next: EventDraft) => void;
  path: string;
  meta: TriggersMeta;
  errors: Record<string, string>;
  disabled?: boolean;
}) => {
  const t = useTranslate();
  return (
    <Flex direction="column" alignItems="stretch" gap={2}>
      <Field.Root name={name} required error={errorAt(errors, `${path}.event`)} hint={t('trigger.event.hint', 'A track event name as the site sends it, e.g. Product Added')}>
        <Field.Label>{label}</Field.Label>
        <TextInput value={value.event} disabled={disabled} onChange={(event: InputEvent) => onChange({ ...value, event: event.target.value })} />
        <Field.Hint />
        <Field.Error />
      </Field.Root>
      <PropertyFilters
        value={value.where}
        onChange={(where) => onChange({ ...value, where })}
        operators={meta.operators}
        errors={errors}
        errorPath={`${path}.where`}
        disabled={disabled}
      />
    </Flex>
  );
};

/** The condition of a trigger: its type and the fields of that type. */
export const ConditionFields = ({ draft, set, meta, segments, errors, disabled }: Props) => {
  const t = useTranslate();
  const typeLabels: Record<ConditionType, string> = {
    event: t('trigger.condition.event', 'An event happens'),
    segment: t('trigger.condition.segment', 'The visitor enters or leaves a segment'),
    absence: t('trigger.condition.absence', 'An event is not followed by another within a time'),
    dwell: t('trigger.condition.dwell', 'The visitor stays on a page'),
  };
  return (
    <Flex direction="column" alignItems="stretch" gap={4}>
      <Field.Root name="conditionType" required error={errorAt(errors, 'condition') ?? errorAt(errors, 'condition.type')}>
        <Field.Label>{t('trigger.condition.type', 'When')}</Field.Label>
        <SingleSelect value={draft.conditionType} disabled={disabled} onChange={(value: string | number) => set({ conditionType: value as ConditionType })}>
          {CONDITION_TYPES.map((type) => (
            <SingleSelectOption key={type} value={type}>
              {typeLabels[type]}
            </SingleSelectOption>
          ))}
        </SingleSelect>
        <Field.Error />
      </Field.Root>

      {draft.conditionType === 'event' && (
        <EventFields label={t('trigger.event', 'Event')} name="event" value={draft.event} onChange={(event) => set({ event })} path="condition" meta={meta} errors={errors} disabled={disabled} />
      )}

      {draft.conditionType === 'segment' && (
        <Grid.Root gap={4}>
          <Grid.Item col={6} s={12} direction="column" alignItems="stretch">
            <Field.Root name="segment" required error={errorAt(errors, 'condition.segment')}>
              <Field.Label>{t('trigger.segment', 'Segment')}</Field.Label>
              {segments ? (
                <SingleSelect value={draft.segment} disabled={disabled} onChange={(value: string | number) => set({ segment: String(value) })}>
                  {segments.map((segment) => (
                    <SingleSelectOption key={segment.slug} value={segment.slug}>
                      {segment.name}
                    </SingleSelectOption>
                  ))}
                </SingleSelect>
              ) : (
                <TextInput value={draft.segment} disabled={disabled} onChange={(event: InputEvent) => set({ segment: event.target.value })} />
              )}
              <Field.Error />
            </Field.Root>
          </Grid.Item>
          <Grid.Item col={6} s={12} direction="column" alignItems="stretch">
            <Field.Root name="change" required error={errorAt(errors, 'condition.change')}>
              <Field.Label>{t('trigger.segment.change', 'Change')}</Field.Label>
              <SingleSelect value={draft.change} disabled={disabled} onChange={(value: string | number) => set({ change: value === 'leave' ? 'leave' : 'enter' })}>
                <SingleSelectOption value="enter">{t('trigger.segment.enter', 'Enters the segment')}</SingleSelectOption>
                <SingleSelectOption value="leave">{t('trigger.segment.leave', 'Leaves the segment')}</SingleSelectOption>
              </SingleSelect>
              <Field.Error />
            </Field.Root>
          </Grid.Item>
        </Grid.Root>
      )}

      {draft.conditionType === 'absence' && (
        <Flex direction="column" alignItems="stretch" gap={4}>
          <EventFields label={t('trigger.absence.first', 'First event')} name="event" value={draft.event} onChange={(event) => set({ event })} path="condition" meta={meta} errors={errors} disabled={disabled} />
          <EventFields
            label={t('trigger.absence.unless', 'Follow-up event that cancels it')}
            name="unless"
            value={draft.unless}
            onChange={(unless) => set({ unless })}
            path="condition.unless"
            meta={meta}
            errors={errors}
            disabled={disabled}
          />
          <Box maxWidth="320px">
            <Field.Root name="within" required error={errorAt(errors, 'condition.within')} hint={t('trigger.absence.within.hint', 'e.g. 90s, 60m, 2h, 1d (at most 30 days)')}>
              <Field.Label>{t('trigger.absence.within', 'Within')}</Field.Label>
              <TextInput value={draft.within} disabled={disabled} onChange={(event: InputEvent) => set({ within: event.target.value })} />
              <Field.Hint />
              <Field.Error />
            </Field.Root>
          </Box>
          <Typography variant="pi" textColor="neutral600">
            {t('trigger.absence.note', 'An absence is known only after the visitor left, so it can only act outbound.')}
          </Typography>
        </Flex>
      )}

      {draft.conditionType === 'dwell' && (
        <Grid.Root gap={4}>
          <Grid.Item col={6} s={12} direction="column" alignItems="stretch">
            <Field.Root
              name="seconds"
              required
              error={errorAt(errors, 'condition.seconds')}
              hint={t('trigger.dwell.seconds.hint', 'The tracker reports visible time at these seconds (triggers.dwellHeartbeatsSec)')}
            >
              <Field.Label>{t('trigger.dwell.seconds', 'Visible seconds on one page')}</Field.Label>
              <SingleSelect value={draft.seconds === undefined ? '' : String(draft.seconds)} disabled={disabled} onChange={(value: string | number) => set({ seconds: Number(value) })}>
                {meta.dwellHeartbeatsSec.map((seconds) => (
                  <SingleSelectOption key={seconds} value={String(seconds)}>
                    {t('trigger.dwell.secondsOption', '{seconds} s', { seconds })}
                  </SingleSelectOption>
                ))}
              </SingleSelect>
              <Field.Hint />
              <Field.Error />
            </Field.Root>
          </Grid.Item>
          <Grid.Item col={6} s={12} direction="column" alignItems="stretch">
            <Field.Root name="dwellContentType" error={errorAt(errors, 'condition.contentType')}>
              <Field.Label>{t('trigger.dwell.contentType', 'On pages of')}</Field.Label>
              <SingleSelect value={draft.dwellContentType || '*'} disabled={disabled} onChange={(value: string | number) => set({ dwellContentType: value === '*' ? '' : String(value) })}>
                <SingleSelectOption value="*">{t('trigger.dwell.anyPage', 'Any page')}</SingleSelectOption>
                {meta.contentTypes.map((uid) => (
                  <SingleSelectOption key={uid} value={uid}>
                    {contentTypeName(uid)}
                  </SingleSelectOption>
                ))}
              </SingleSelect>
              <Field.Error />
            </Field.Root>
          </Grid.Item>
        </Grid.Root>
      )}
    </Flex>
  );
};
