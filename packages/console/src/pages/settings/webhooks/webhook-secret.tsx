/** A signing secret shown once (after a create or a rotation), with a copy button and a warning. */
import { CopyButton } from '../../../components/copy-button.tsx';
import { Dialog, DialogFooter } from '../../../components/dialog.tsx';
import { AlertIcon } from '../../../components/icons.tsx';
import { useT } from '../../../i18n/language-context.tsx';

export function WebhookSecretDialog({
  title,
  secret,
  onClose,
}: {
  title: string;
  secret: string;
  onClose: () => void;
}) {
  const t = useT();
  return (
    <Dialog
      title={title}
      description={t(
        "Your receiver verifies each delivery's webhook-signature with this secret (Standard Webhooks).",
      )}
      onClose={onClose}
      testId="webhook-secret-dialog"
    >
      <div className="dialog-body form">
        <div className="alert alert-warning" role="alert">
          <AlertIcon className="alert-icon" />
          <span>
            {t("This is the only time the secret is shown. Copy it into your receiver's configuration now.")}
          </span>
        </div>
        <div className="secret">
          <code className="secret-value" data-testid="webhook-secret">
            {secret}
          </code>
          <CopyButton
            text={secret}
            label={t('Copy secret')}
            testId="copy-webhook-secret"
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
