/** Set a new password for a team member (they are told it out of band), or change one's own (with the current one). */
import { type FormEvent, useState } from 'react';
import { errorMessage } from '../../../api/http.ts';
import type { User } from '../../../api/types.ts';
import { updateUser } from '../../../api/users.ts';
import { Dialog, DialogFooter } from '../../../components/dialog.tsx';
import { Field } from '../../../components/field.tsx';
import { FormError } from '../../../components/form-error.tsx';
import { useT } from '../../../i18n/language-context.tsx';
import { MIN_PASSWORD_LENGTH } from './user-form-dialog.tsx';

interface ResetPasswordDialogProps {
  user: User;
  /** The signed-in user's own password: the current one is asked for too. */
  self?: boolean;
  onDone: () => void;
  onClose: () => void;
}

export function ResetPasswordDialog({ user, self = false, onDone, onClose }: ResetPasswordDialogProps) {
  const t = useT();
  const [current, setCurrent] = useState('');
  const [currentError, setCurrentError] = useState<string | null>(null);
  const [password, setPassword] = useState('');
  const [fieldError, setFieldError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);

  async function handleSubmit(event: FormEvent<HTMLFormElement>) {
    event.preventDefault();
    setCurrentError(self && !current ? t('Enter your current password.') : null);
    if (self && !current) return;
    if (password.length < MIN_PASSWORD_LENGTH) {
      setFieldError(t('Use at least {count} characters.', { count: MIN_PASSWORD_LENGTH }));
      return;
    }
    setFieldError(null);
    setBusy(true);
    setError(null);
    try {
      await updateUser(user.id, self ? { password, currentPassword: current } : { password });
      onDone();
    } catch (caught) {
      setError(errorMessage(caught));
      setBusy(false);
    }
  }

  return (
    <Dialog
      title={self ? t('Change your password') : t('Reset password for {name}', { name: user.name })}
      description={
        self
          ? t('Your other sessions are signed out; this one stays.')
          : t('Their current password stops working. Share the new one with them privately.')
      }
      onClose={onClose}
      busy={busy}
      size="small"
      testId="reset-password-dialog"
    >
      <form onSubmit={handleSubmit} noValidate>
        <div className="dialog-body form">
          {self && (
            <PasswordField
              label={t('Current password')}
              name="current-password"
              value={current}
              onChange={setCurrent}
              error={currentError}
            />
          )}
          <PasswordField
            label={t('New password')}
            name="password"
            value={password}
            onChange={setPassword}
            error={fieldError}
            hint={t('At least {count} characters.', { count: MIN_PASSWORD_LENGTH })}
          />
          <FormError message={error} />
        </div>
        <DialogFooter>
          <button type="button" className="button" onClick={onClose} disabled={busy}>
            {t('Cancel')}
          </button>
          <button type="submit" className="button button-primary" disabled={busy}>
            {busy ? t('Saving…') : t('Save password')}
          </button>
        </DialogFooter>
      </form>
    </Dialog>
  );
}

interface PasswordFieldProps {
  label: string;
  /** `current-password` or `password` (a new one): also tells password managers what to fill. */
  name: 'current-password' | 'password';
  value: string;
  onChange: (value: string) => void;
  error: string | null;
  hint?: string;
}

/** One password input with its label, hint and error. */
function PasswordField({ label, name, value, onChange, error, hint }: PasswordFieldProps) {
  return (
    <Field label={label} error={error} hint={hint}>
      {(props) => (
        <input
          {...props}
          className="input"
          name={name}
          type="password"
          autoComplete={name === 'password' ? 'new-password' : 'current-password'}
          value={value}
          onChange={(event) => onChange(event.target.value)}
        />
      )}
    </Field>
  );
}
