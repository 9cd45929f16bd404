import { ConfirmDeleteDialog } from '../../components/ConfirmDeleteDialog';
import { useTranslate } from '../../utils/use-translate';

/** Asks before deleting a trigger: nothing fires any more, and its queued deliveries end as dead letters. */
export const DeleteTriggerDialog = ({ name, onConfirm }: { name: string; onConfirm: () => void }) => {
  const t = useTranslate();
  return (
    <ConfirmDeleteDialog
      title={t('trigger.delete.title', 'Delete the trigger?')}
      body={t('trigger.delete.body', '“{name}” stops firing at once; its deliveries still queued end in the dead letters.', { name })}
      confirm={t('trigger.delete.confirm', 'Delete the trigger')}
      onConfirm={onConfirm}
    />
  );
};
