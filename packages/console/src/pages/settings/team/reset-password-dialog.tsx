/** Set a new password for a team member (they are told it out of band). */
import { type FormEvent, useState } from 'react';
import { errorMessage } from '../../../api/http.ts';
import type { User } from '../../../api/types.ts';
import { updateUser } from '../../../api/users.ts';
import { Dialog, DialogFooter } from '../../../components/dialog.tsx';
import { Field } from '../../../components/field.tsx';
import { FormError } from '../../../components/form-error.tsx';
import { MIN_PASSWORD_LENGTH } from './user-form-dialog.tsx';

interface ResetPasswordDialogProps {
  user: User;
  onDone: () => void;
  onClose: () => void;
}

export function ResetPasswordDialog({ user, onDone, onClose }: ResetPasswordDialogProps) {
  const [password, setPassword] = useState('');
  const [fieldError, setFieldError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);

  async function handleSubmit(event: FormEvent<HTMLFormElement>) {
    event.preventDefault();
    if (password.length < MIN_PASSWORD_LENGTH) {
      setFieldError(`Use at least ${MIN_PASSWORD_LENGTH} characters.`);
      return;
    }
    setFieldError(null);
    setBusy(true);
    setError(null);
    try {
      await updateUser(user.id, { password });
      onDone();
    } catch (caught) {
      setError(errorMessage(caught));
      setBusy(false);
    }
  }

  return (
    <Dialog
      title={`Reset password for ${user.name}`}
      description="Their current password stops working. Share the new one with them privately."
      onClose={onClose}
      busy={busy}
      size="small"
      testId="reset-password-dialog"
    >
      <form onSubmit={handleSubmit} noValidate>
        <div className="dialog-body form">
          <Field label="New password" error={fieldError} hint={`At least ${MIN_PASSWORD_LENGTH} characters.`}>
            {(props) => (
              <input
                {...props}
                className="input"
                name="password"
                type="password"
                autoComplete="new-password"
                value={password}
                onChange={(event) => setPassword(event.target.value)}
              />
            )}
          </Field>
          <FormError message={error} />
        </div>
        <DialogFooter>
          <button type="button" className="button" onClick={onClose} disabled={busy}>
            Cancel
          </button>
          <button type="submit" className="button button-primary" disabled={busy}>
            {busy ? 'Saving…' : 'Save password'}
          </button>
        </DialogFooter>
      </form>
    </Dialog>
  );
}
