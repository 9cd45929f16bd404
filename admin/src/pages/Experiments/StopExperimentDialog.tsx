import { Button, Dialog, Field, Flex, Radio, SingleSelect, SingleSelectOption, Typography } from '@strapi/design-system';
import { useState } from 'react';
import type { Experiment, Segment } from '../../api/types';
import { useTranslate } from '../../utils/use-translate';

export interface StopChoice {
  winner?: string;
  promote?: { to: 'segment'; segment: string } | { to: 'base' };
}

/**
 * Stopping for good: optionally name a winner and, for an entry experiment, promote the winning
 * variant to a normal segment variant or into the base entry.
 */
export const StopExperimentDialog = ({ experiment, segments, onConfirm }: { experiment: Experiment; segments: Segment[]; onConfirm: (choice: StopChoice) => void }) => {
  const t = useTranslate();
  const [winner, setWinner] = useState('');
  const [promote, setPromote] = useState<'none' | 'segment' | 'base'>('none');
  const [segment, setSegment] = useState('');
  const canPromote = experiment.targetKind === 'entry' && winner !== '' && winner !== 'control';
  const choice = (): StopChoice => ({
    ...(winner ? { winner } : {}),
    ...(canPromote && promote === 'segment' && segment ? { promote: { to: 'segment' as const, segment } } : {}),
    ...(canPromote && promote === 'base' ? { promote: { to: 'base' as const } } : {}),
  });
  return (
    <Dialog.Content>
      <Dialog.Header>{t('experiment.stop.title', 'Stop the experiment')}</Dialog.Header>
      <Dialog.Body>
        <Flex direction="column" alignItems="stretch" gap={4} width="100%">
          <Typography>{t('experiment.stop.body', 'A stopped experiment cannot run again. Every visitor sees the base entry or their segment variant.')}</Typography>
          <Field.Root name="winner">
            <Field.Label>{t('experiment.stop.winner', 'Winner')}</Field.Label>
            <SingleSelect value={winner || '*'} onChange={(value: string | number) => setWinner(value === '*' ? '' : String(value))}>
              <SingleSelectOption value="*">{t('experiment.stop.noWinner', 'No winner')}</SingleSelectOption>
              {experiment.arms.map((arm) => (
                <SingleSelectOption key={arm.key} value={arm.key}>
                  {arm.key}
                </SingleSelectOption>
              ))}
            </SingleSelect>
          </Field.Root>
          {canPromote && (
            <Radio.Group aria-label={t('experiment.stop.promote', 'Promote the winner')} value={promote} onValueChange={(value: string) => setPromote(value as typeof promote)}>
              <Radio.Item value="none">{t('experiment.stop.promote.none', 'Keep the variant as it is (disabled)')}</Radio.Item>
              <Radio.Item value="segment">{t('experiment.stop.promote.segment', 'Make it the variant of a segment')}</Radio.Item>
              <Radio.Item value="base">{t('experiment.stop.promote.base', 'Write it into the base entry and publish')}</Radio.Item>
            </Radio.Group>
          )}
          {canPromote && promote === 'segment' && (
            <SingleSelect aria-label={t('experiment.targetSegment', 'Segment')} value={segment} onChange={(value: string | number) => setSegment(String(value))}>
              {segments.map((item) => (
                <SingleSelectOption key={item.slug} value={item.slug}>
                  {item.name}
                </SingleSelectOption>
              ))}
            </SingleSelect>
          )}
        </Flex>
      </Dialog.Body>
      <Dialog.Footer>
        <Dialog.Cancel>
          <Button variant="tertiary">{t('common.cancel', 'Cancel')}</Button>
        </Dialog.Cancel>
        <Dialog.Action>
          <Button variant="danger-light" onClick={() => onConfirm(choice())} disabled={promote === 'segment' && canPromote && !segment}>
            {t('experiment.stop', 'Stop')}
          </Button>
        </Dialog.Action>
      </Dialog.Footer>
    </Dialog.Content>
  );
};
