/** Asks before something destructive; shows the server's error inline if the action fails. */
import { type ReactNode, useState } from 'react';
import { errorMessage } from '../api/http.ts';
import { useT } from '../i18n/language-context.tsx';
import { Dialog, DialogFooter } from './dialog.tsx';
import { FormError } from './form-error.tsx';

interface ConfirmDialogProps {
  title: string;
  children: ReactNode;
  confirmLabel: string;
  onConfirm: () => Promise<void>;
  onClose: () => void;
}

export function ConfirmDialog({ title, children, confirmLabel, onConfirm, onClose }: ConfirmDialogProps) {
  const t = useT();
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);

  async function confirm() {
    setBusy(true);
    setError(null);
    try {
      await onConfirm();
      onClose();
    } catch (caught) {
      setError(errorMessage(caught));
      setBusy(false);
    }
  }

  return (
    <Dialog title={title} onClose={onClose} busy={busy} size="small" testId="confirm-dialog">
      <div className="dialog-body">
        <div className="confirm-text">{children}</div>
        <FormError message={error} />
      </div>
      <DialogFooter>
        <button type="button" className="button" onClick={onClose} disabled={busy} data-autofocus>
          {t('Cancel')}
        </button>
        <button type="button" className="button button-danger" onClick={confirm} disabled={busy}>
          {busy ? t('Working…') : confirmLabel}
        </button>
      </DialogFooter>
    </Dialog>
  );
}
