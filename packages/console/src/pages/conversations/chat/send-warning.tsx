/** Asks before a reply goes into a conversation a colleague is writing a reply in right now. */
import { ConfirmDialog } from '../../../components/confirm-dialog.tsx';
import { useT } from '../../../i18n/language-context.tsx';

export function SendWarning({
  name,
  onSend,
  onClose,
}: {
  name: string;
  onSend: () => void;
  onClose: () => void;
}) {
  const t = useT();
  return (
    <ConfirmDialog
      title={t('{name} is writing a reply', { name })}
      confirmLabel={t('Send anyway')}
      onConfirm={async () => onSend()}
      onClose={onClose}
    >
      <p data-testid="send-warning">
        {t('{name} is writing a reply in this conversation right now. Send yours anyway?', { name })}
      </p>
    </ConfirmDialog>
  );
}
