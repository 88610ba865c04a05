/** Asks for the current password before a sensitive change of one's own sign-in. */
import { type FormEvent, type ReactNode, useState } from 'react';
import { errorMessage } from '../../../api/http.ts';
import { Dialog, DialogFooter } from '../../../components/dialog.tsx';
import { Field } from '../../../components/field.tsx';
import { FormError } from '../../../components/form-error.tsx';
import { useT } from '../../../i18n/language-context.tsx';

interface PasswordDialogProps {
  title: string;
  children: ReactNode;
  confirmLabel: string;
  danger?: boolean;
  onConfirm: (password: string) => Promise<void>;
  onClose: () => void;
}

export function PasswordDialog({
  title,
  children,
  confirmLabel,
  danger,
  onConfirm,
  onClose,
}: PasswordDialogProps) {
  const t = useT();
  const [password, setPassword] = useState('');
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);

  async function submit(event: FormEvent<HTMLFormElement>) {
    event.preventDefault();
    setBusy(true);
    setError(null);
    try {
      await onConfirm(password);
    } catch (caught) {
      setError(errorMessage(caught));
      setBusy(false);
    }
  }

  return (
    <Dialog title={title} onClose={onClose} busy={busy} size="small" testId="password-dialog">
      <form onSubmit={submit}>
        <div className="dialog-body">
          <div className="confirm-text">{children}</div>
          <Field label={t('Your current password')}>
            {(props) => (
              <input
                {...props}
                className="input"
                type="password"
                autoComplete="current-password"
                required
                value={password}
                onChange={(event) => setPassword(event.target.value)}
              />
            )}
          </Field>
          <FormError message={error} />
        </div>
        <DialogFooter>
          <button type="button" className="button" onClick={onClose} disabled={busy}>
            {t('Cancel')}
          </button>
          <button
            type="submit"
            className={`button ${danger ? 'button-danger' : 'button-primary'}`}
            disabled={busy}
          >
            {busy ? t('Working…') : confirmLabel}
          </button>
        </DialogFooter>
      </form>
    </Dialog>
  );
}
