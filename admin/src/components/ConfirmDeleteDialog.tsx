import { Button, Dialog, Typography } from '@strapi/design-system';
import type { ReactNode } from 'react';
import { useTranslate } from '../utils/use-translate';

/** A *Delete* button that asks first, saying what deleting does. */
export const ConfirmDeleteDialog = ({ title, body, confirm, onConfirm, startIcon }: { title: string; body: string; confirm: string; onConfirm: () => void; startIcon?: ReactNode }) => {
  const t = useTranslate();
  return (
    <Dialog.Root>
      <Dialog.Trigger>
        <Button variant="danger-light" startIcon={startIcon}>
          {t('common.delete', 'Delete')}
        </Button>
      </Dialog.Trigger>
      <Dialog.Content>
        <Dialog.Header>{title}</Dialog.Header>
        <Dialog.Body>
          <Typography>{body}</Typography>
        </Dialog.Body>
        <Dialog.Footer>
          <Dialog.Cancel>
            <Button variant="tertiary">{t('common.cancel', 'Cancel')}</Button>
          </Dialog.Cancel>
          <Dialog.Action>
            <Button variant="danger-light" onClick={onConfirm}>
              {confirm}
            </Button>
          </Dialog.Action>
        </Dialog.Footer>
      </Dialog.Content>
    </Dialog.Root>
  );
};
