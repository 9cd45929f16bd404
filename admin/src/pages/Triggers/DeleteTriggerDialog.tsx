import { Button, Dialog, Typography } from '@strapi/design-system';
import { useTranslate } from '../../utils/use-translate';

/** Asks before deleting a trigger: nothing fires any more, and its queued deliveries end as dead letters. */
export const DeleteTriggerDialog = ({ name, onConfirm }: { name: string; onConfirm: () => void }) => {
  const t = useTranslate();
  return (
    <Dialog.Root>
      <Dialog.Trigger>
        <Button variant="danger-light">{t('trigger.delete', 'Delete')}</Button>
      </Dialog.Trigger>
      <Dialog.Content>
        <Dialog.Header>{t('trigger.delete.title', 'Delete the trigger?')}</Dialog.Header>
        <Dialog.Body>
          <Typography>{t('trigger.delete.body', '“{name}” stops firing at once; its deliveries still queued end in the dead letters.', { name })}</Typography>
        </Dialog.Body>
        <Dialog.Footer>
          <Dialog.Cancel>
            <Button variant="tertiary">{t('common.cancel', 'Cancel')}</Button>
          </Dialog.Cancel>
          <Dialog.Action>
            <Button variant="danger-light" onClick={onConfirm}>
              {t('trigger.delete.confirm', 'Delete the trigger')}
            </Button>
          </Dialog.Action>
        </Dialog.Footer>
      </Dialog.Content>
    </Dialog.Root>
  );
};
