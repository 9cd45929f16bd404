import { Box, Button, Field, Flex, TextInput, Toggle, Typography } from '@strapi/design-system';
import { JourneyStepsEditor, MAX_JOURNEY_STEPS, type StepSuggestions } from '../../components/JourneyStepsEditor';
import { useTranslate } from '../../utils/use-translate';
import { stepErrors, type FunnelDraft } from './funnel-form';

interface FormProps {
  draft: FunnelDraft;
  onChange: (draft: FunnelDraft) => void;
  errors: Record<string, string>;
  suggestions?: StepSuggestions;
  saving: boolean;
  onSave: () => void;
  onCancel: () => void;
}

/** A funnel's definition: name, window, enabled, and its steps in the shared step editor; errors at the fields the server names. */
export const FunnelForm = ({ draft, onChange, errors, suggestions, saving, onSave, onCancel }: FormProps) => {
  const t = useTranslate();
  const set = (patch: Partial<FunnelDraft>) => onChange({ ...draft, ...patch });
  const problems = stepErrors(errors, t);
  return (
    <Box padding={4} background="neutral100" hasRadius data-testid="funnel-form">
      <Flex direction="column" alignItems="stretch" gap={4}>
        <Flex gap={4} alignItems="flex-start" wrap="wrap">
          <Box minWidth="260px">
            <Field.Root name="funnelName" required error={errors.name}>
              <Field.Label>{t('funnels.name', 'Name')}</Field.Label>
              <TextInput value={draft.name} onChange={(event: React.ChangeEvent<HTMLInputElement>) => set({ name: event.target.value })} />
              <Field.Error />
            </Field.Root>
          </Box>
          <Box minWidth="160px">
            <Field.Root name="funnelWindow" required error={errors.window} hint={t('funnels.window.hint', 'From the first step to the last, e.g. 30m, 1d, 7d (at most 90d)')}>
              <Field.Label>{t('funnels.window', 'Window')}</Field.Label>
              <TextInput value={draft.window} onChange={(event: React.ChangeEvent<HTMLInputElement>) => set({ window: event.target.value })} />
              <Field.Hint />
              <Field.Error />
            </Field.Root>
          </Box>
          <Field.Root name="funnelEnabled" error={errors.enabled}>
            <Field.Label>{t('funnels.enabled', 'Counting')}</Field.Label>
            <Toggle
              checked={draft.enabled}
              onLabel={t('funnels.enabled.on', 'On')}
              offLabel={t('funnels.enabled.off', 'Off')}
              onChange={(event: React.ChangeEvent<HTMLInputElement>) => set({ enabled: event.target.checked })}
            />
            <Field.Error />
          </Field.Root>
        </Flex>
        <JourneyStepsEditor value={draft.steps} onChange={(steps) => set({ steps })} suggestions={suggestions} />
        {problems.map((problem) => (
          <Typography key={problem} textColor="danger600" variant="pi" data-testid="funnel-step-error">
            {problem}
          </Typography>
        ))}
        <Flex gap={2}>
          <Button onClick={onSave} loading={saving} disabled={!draft.name.trim() || draft.steps.length < 2 || draft.steps.length > MAX_JOURNEY_STEPS}>
            {t('funnels.save', 'Save funnel')}
          </Button>
          <Button variant="tertiary" onClick={onCancel}>
            {t('funnels.cancel', 'Cancel')}
          </Button>
        </Flex>
      </Flex>
    </Box>
  );
};
