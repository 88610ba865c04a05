/** The form dialog Settings › Phone adds and edits trunks and numbers in: save, or show why not. */
import { type FormEvent, type ReactNode, useState } from 'react';
import { errorMessage } from '../../../api/http.ts';
import { Dialog, DialogFooter } from '../../../components/dialog.tsx';
import { FormError } from '../../../components/form-error.tsx';
import { useT } from '../../../i18n/language-context.tsx';

export function PhoneDialog({
  title,
  description,
  testId,
  save,
  onClose,
  onSaved,
  children,
}: {
  title: string;
  description: string;
  testId: string;
  /** Sends the form; a refusal is shown in the dialog, which stays open. */
  save: () => Promise<unknown>;
  onClose: () => void;
  onSaved: () => void;
  children: ReactNode;
}) {
  const t = useT();
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const submit = async (e: FormEvent) => {
    e.preventDefault();
    setBusy(true);
    setError(null);
    try {
      await save();
      onSaved();
    } catch (caught) {
      setError(errorMessage(caught));
      setBusy(false);
    }
  };
  return (
    <Dialog title={title} description={description} onClose={onClose} busy={busy} testId={testId}>
      <form className="dialog-body trunk-form" onSubmit={(e) => void submit(e)}>
        {children}
        <FormError message={error} />
        <DialogFooter>
          <button type="button" className="button" onClick={onClose} disabled={busy}>
            {t('Cancel')}
          </button>
          <button type="submit" className="button button-primary" disabled={busy}>
            {busy ? t('Saving…') : t('Save')}
          </button>
        </DialogFooter>
      </form>
    </Dialog>
  );
}
