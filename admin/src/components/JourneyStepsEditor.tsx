import { Box, Button, Flex, IconButton, SingleSelect, SingleSelectOption, TextInput, Typography } from '@strapi/design-system';
import { ArrowDown, ArrowUp, Plus, Trash } from '@strapi/icons';
import { useId } from 'react';
import type { StepSpec } from '../../../server/src/journeys/step-spec';
import { useTranslate, type Translate } from '../utils/use-translate';

export type { StepSpec };

/** What one step can name (`server/src/journeys/step-spec.ts`); every field given must hold. */
export type StepField = keyof StepSpec;

export const STEP_FIELDS: readonly StepField[] = ['page', 'event', 'category', 'contentType', 'topic'];

/** The most steps a sequence (or a funnel) takes, as the server checks. */
export const MAX_JOURNEY_STEPS = 10;

/** Known names to suggest for each field, e.g. the names the fact catalog has seen in events. */
export type StepSuggestions = Partial<Record<StepField, readonly string[]>>;

/** The texts a reuser (a funnel editor) may want to word its own way. */
export interface JourneyStepsLabels {
  /** The heading of the step at `position` (1-based). */
  step: (position: number) => string;
  addStep: string;
}

/** The fields a step may still take: not one it has, and never a page beside an event (a step is one or the other). */
export const freeFields = (spec: StepSpec): StepField[] =>
  STEP_FIELDS.filter(
    (field) => spec[field] === undefined && !(field === 'page' && spec.event !== undefined) && !(field === 'event' && spec.page !== undefined)
  );

/** What a field of a step may become: itself, or any field the step could take without it (a page may become an event). */
export const fieldChoices = (spec: StepSpec, field: StepField): StepField[] => {
  const open = freeFields(withoutField(spec, field));
  return STEP_FIELDS.filter((option) => option === field || open.includes(option));
};

/** The spec with `from` renamed `to` in place (the order of its fields is the order shown). */
export const renameField = (spec: StepSpec, from: StepField, to: StepField): StepSpec =>
  Object.fromEntries(Object.entries(spec).map(([field, text]) => [field === from ? to : field, text])) as StepSpec;

export const withoutField = (spec: StepSpec, field: StepField): StepSpec => {
  const { [field]: _removed, ...rest } = spec;
  return rest;
};

/** The list with the step at `index` moved by `offset` (-1: earlier, 1: later). */
export const moveStep = (steps: readonly StepSpec[], index: number, offset: -1 | 1): StepSpec[] => {
  const target = index + offset;
  if (target < 0 || target >= steps.length) return [...steps];
  const next = [...steps];
  [next[index], next[target]] = [next[target], next[index]];
  return next;
};

/** The catalog's seen names as step suggestions (content types have no list there: typed by hand). */
export const stepSuggestionsFromSeen = (seen: { events: string[]; pages: string[]; categories: string[]; topics: string[] }): StepSuggestions => ({
  page: seen.pages,
  event: seen.events,
  category: seen.categories,
  topic: seen.topics,
});

const fieldLabels = (t: Translate): Record<StepField, string> => ({
  page: t('journeySteps.field.page', 'Viewed the page'),
  event: t('journeySteps.field.event', 'Did the event'),
  category: t('journeySteps.field.category', 'In the category'),
  contentType: t('journeySteps.field.contentType', 'About an entry of type'),
  topic: t('journeySteps.field.topic', 'About the topic'),
});

const placeholders: Record<StepField, string> = {
  page: 'Pricing',
  event: 'Signup Started',
  category: 'Docs',
  contentType: 'article',
  topic: 'ai',
};

interface Props {
  /** The steps, in the order they must happen. */
  value: StepSpec[];
  onChange: (next: StepSpec[]) => void;
  /** Overrides of the default texts. */
  labels?: Partial<JourneyStepsLabels>;
  suggestions?: StepSuggestions;
  disabled?: boolean;
}

/**
 * An ordered list of journey steps, each one or more of page / event / category / content type /
 * topic with a value: what sequence rules and funnels match (`server/src/journeys/step-spec.ts`).
 * Steps can be added (up to ten), removed and reordered; values are checked when saved, by the server.
 */
export const JourneyStepsEditor = ({ value, onChange, labels, suggestions = {}, disabled }: Props) => {
  const t = useTranslate();
  const listPrefix = `psn-steps-${useId().replace(/:/g, '')}`;
  const names = fieldLabels(t);
  const text: JourneyStepsLabels = {
    step: labels?.step ?? ((position) => t('journeySteps.step', 'Step {position}', { position })),
    addStep: labels?.addStep ?? t('journeySteps.addStep', 'Add step'),
  };
  const setStep = (index: number, spec: StepSpec) => onChange(value.map((current, at) => (at === index ? spec : current)));

  return (
    <Flex direction="column" alignItems="stretch" gap={2} data-testid="journey-steps">
      {STEP_FIELDS.map((field) =>
        suggestions[field]?.length ? (
          <datalist key={field} id={`${listPrefix}-${field}`}>
            {suggestions[field]!.map((name) => (
              <option key={name} value={name} />
            ))}
          </datalist>
        ) : null
      )}
      {value.map((spec, index) => {
        const position = index + 1;
        // In the order the editor added them (a rename keeps the place).
        const shownFields = (Object.keys(spec) as StepField[]).filter((field) => STEP_FIELDS.includes(field) && spec[field] !== undefined);
        const free = freeFields(spec);
        return (
          <Box key={index} padding={2} borderColor="neutral200" borderStyle="solid" borderWidth="1px" hasRadius data-testid="journey-step">
            <Flex direction="column" alignItems="stretch" gap={2}>
              <Flex gap={2} alignItems="center">
                <Typography variant="sigma" textColor="neutral600">
                  {text.step(position)}
                </Typography>
                <IconButton
                  label={t('journeySteps.moveUp', 'Move step {position} earlier', { position })}
                  disabled={disabled || index === 0}
                  onClick={() => onChange(moveStep(value, index, -1))}
                >
                  <ArrowUp />
                </IconButton>
                <IconButton
                  label={t('journeySteps.moveDown', 'Move step {position} later', { position })}
                  disabled={disabled || index === value.length - 1}
                  onClick={() => onChange(moveStep(value, index, 1))}
                >
                  <ArrowDown />
                </IconButton>
                <IconButton
                  label={t('journeySteps.remove', 'Remove step {position}', { position })}
                  disabled={disabled}
                  onClick={() => onChange(value.filter((_, at) => at !== index))}
                >
                  <Trash />
                </IconButton>
              </Flex>
              {shownFields.map((field, detail) => (
                <Flex key={field} gap={2} alignItems="flex-end" wrap="wrap" data-testid="journey-step-field">
                  <Box minWidth="200px">
                    <SingleSelect
                      aria-label={t('journeySteps.fieldKind', 'Step {position}, detail {detail}: what to match', { position, detail: detail + 1 })}
                      value={field}
                      disabled={disabled}
                      onChange={(next: string | number) => setStep(index, renameField(spec, field, next as StepField))}
                    >
                      {fieldChoices(spec, field).map((option) => (
                        <SingleSelectOption key={option} value={option}>
                          {names[option]}
                        </SingleSelectOption>
                      ))}
                    </SingleSelect>
                  </Box>
                  <Box minWidth="200px">
                    <TextInput
                      aria-label={`${text.step(position)}: ${names[field]}`}
                      placeholder={placeholders[field]}
                      value={spec[field] ?? ''}
                      list={suggestions[field]?.length ? `${listPrefix}-${field}` : undefined}
                      disabled={disabled}
                      onChange={(event: React.ChangeEvent<HTMLInputElement>) => setStep(index, { ...spec, [field]: event.target.value })}
                    />
                  </Box>
                  {shownFields.length > 1 && (
                    <IconButton
                      label={t('journeySteps.removeField', 'Remove "{field}" from step {position}', { field: names[field], position })}
                      disabled={disabled}
                      onClick={() => setStep(index, withoutField(spec, field))}
                    >
                      <Trash />
                    </IconButton>
                  )}
                </Flex>
              ))}
              {free.length > 0 && (
                <Box>
                  <Button
                    variant="tertiary"
                    size="S"
                    startIcon={<Plus />}
                    disabled={disabled}
                    onClick={() => setStep(index, { ...spec, [free[0]]: '' })}
                  >
                    {t('journeySteps.addField', 'And also…')}
                  </Button>
                </Box>
              )}
            </Flex>
          </Box>
        );
      })}
      <Box>
        <Button
          variant="secondary"
          startIcon={<Plus />}
          disabled={disabled || value.length >= MAX_JOURNEY_STEPS}
          onClick={() => onChange([...value, { page: '' }])}
        >
          {text.addStep}
        </Button>
      </Box>
    </Flex>
  );
};
