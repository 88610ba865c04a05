/** Name a new API key, then show the full key exactly once, with a copy button and a warning. */
import { type FormEvent, useEffect, useRef, useState } from 'react';
import { createApiKey } from '../../../api/api-keys.ts';
import { errorMessage } from '../../../api/http.ts';
import type { CreatedApiKey } from '../../../api/types.ts';
import { CopyButton } from '../../../components/copy-button.tsx';
import { Dialog, DialogFooter } from '../../../components/dialog.tsx';
import { Field } from '../../../components/field.tsx';
import { FormError } from '../../../components/form-error.tsx';
import { AlertIcon } from '../../../components/icons.tsx';
import { useT } from '../../../i18n/language-context.tsx';

interface CreateApiKeyDialogProps {
  onCreated: (key: CreatedApiKey) => void;
  onClose: () => void;
}

export function CreateApiKeyDialog({ onCreated, onClose }: CreateApiKeyDialogProps) {
  const t = useT();
  const [name, setName] = useState('');
  const [nameError, setNameError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const [created, setCreated] = useState<CreatedApiKey | null>(null);
  const secretRef = useRef<HTMLDivElement>(null);

  // The form's button is gone once the key exists; put keyboard focus on "Copy key".
  useEffect(() => {
    if (created) secretRef.current?.querySelector('button')?.focus();
  }, [created]);

  async function handleSubmit(event: FormEvent<HTMLFormElement>) {
    event.preventDefault();
    const trimmed = name.trim();
    setNameError(trimmed ? null : t('Give the key a name.'));
    if (!trimmed) return;
    setBusy(true);
    setError(null);
    try {
      const key = await createApiKey(trimmed);
      setCreated(key);
      onCreated(key);
    } catch (caught) {
      setError(errorMessage(caught));
    } finally {
      setBusy(false);
    }
  }

  if (created) {
    return (
      <Dialog
        title={t('Copy your new API key')}
        description={t('“{name}” is ready. Send it as {header} from your server.', {
          name: created.name,
          header: 'Authorization: Bearer <key>',
        })}
        onClose={onClose}
        testId="api-key-created-dialog"
      >
        <div className="dialog-body form">
          <div className="alert alert-warning" role="alert">
            <AlertIcon className="alert-icon" />
            <span>
              {t(
                'This is the only time the full key is shown. Copy it now and store it somewhere safe, such as your secrets manager. If you lose it, revoke it and create a new one.',
              )}
            </span>
          </div>
          <div className="secret" ref={secretRef}>
            <code className="secret-value" data-testid="api-key-value">
              {created.key}
            </code>
            <CopyButton
              text={created.key}
              label={t('Copy key')}
              testId="copy-api-key"
              className="button button-small"
            />
          </div>
        </div>
        <DialogFooter>
          <button type="button" className="button button-primary" onClick={onClose}>
            {t('Done')}
          </button>
        </DialogFooter>
      </Dialog>
    );
  }

  return (
    <Dialog
      title={t('New API key')}
      description={t(
        'API keys let your own servers call the Beckon API for this account. Never put one in a web page.',
      )}
      onClose={onClose}
      busy={busy}
      size="small"
      testId="api-key-dialog"
    >
      <form onSubmit={handleSubmit} noValidate>
        <div className="dialog-body form">
          <Field
            label={t('Name')}
            error={nameError}
            hint={t('What will use it, e.g. “CRM sync” or “Order webhook”.')}
          >
            {(props) => (
              <input
                {...props}
                className="input"
                name="name"
                autoComplete="off"
                maxLength={80}
                value={name}
                onChange={(event) => setName(event.target.value)}
              />
            )}
          </Field>
          <FormError message={error} />
        </div>
        <DialogFooter>
          <button type="button" className="button" onClick={onClose} disabled={busy}>
            {t('Cancel')}
          </button>
          <button type="submit" className="button button-primary" disabled={busy}>
            {busy ? t('Creating…') : t('Create key')}
          </button>
        </DialogFooter>
      </form>
    </Dialog>
  );
}
