/** Setting up two-factor sign-in: scan the QR code, prove one code, save the recovery codes. */
import { type FormEvent, useEffect, useState } from 'react';
import { errorMessage } from '../../../api/http.ts';
import { enableTotp, startTotpSetup, type TotpEnrolment } from '../../../api/security.ts';
import { CopyButton } from '../../../components/copy-button.tsx';
import { Field } from '../../../components/field.tsx';
import { FormError } from '../../../components/form-error.tsx';
import { LoadError } from '../../../components/load-error.tsx';
import { LoadingState } from '../../../components/loading-state.tsx';
import { useT } from '../../../i18n/language-context.tsx';

interface TotpSetupProps {
  /** Called once the codes are saved (the user pressed Done). */
  onDone: () => void;
  onCancel?: () => void;
  /** Called as soon as two-factor sign-in is on, while the recovery codes are still shown. */
  onEnabled?: (recoveryCodes: string[]) => void;
}

export function TotpSetup({ onDone, onCancel, onEnabled }: TotpSetupProps) {
  const t = useT();
  const [enrolment, setEnrolment] = useState<TotpEnrolment | null>(null);
  const [loadError, setLoadError] = useState<unknown>(null);
  const [code, setCode] = useState('');
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const [codes, setCodes] = useState<string[] | null>(null);

  const start = () => {
    setLoadError(null);
    startTotpSetup().then(setEnrolment, setLoadError);
  };
  useEffect(start, []);

  async function verify(event: FormEvent<HTMLFormElement>) {
    event.preventDefault();
    setBusy(true);
    setError(null);
    try {
      const { recoveryCodes } = await enableTotp(code.trim());
      setCodes(recoveryCodes);
      onEnabled?.(recoveryCodes);
    } catch (caught) {
      setError(errorMessage(caught));
    } finally {
      setBusy(false);
    }
  }

  if (codes) return <RecoveryCodesPanel codes={codes} onDone={onDone} />;
  if (loadError) return <LoadError error={loadError} onRetry={start} />;
  if (!enrolment) return <LoadingState label={t('Preparing a secret…')} />;

  return (
    <div className="totp-setup" data-testid="totp-setup">
      <ol className="totp-steps">
        <li>
          <p className="totp-step-title">{t('Scan this code with your authenticator app')}</p>
          <p className="muted">
            {t(
              'Google Authenticator, 1Password, Microsoft Authenticator, Authy or any app that reads TOTP codes.',
            )}
          </p>
          <img
            className="totp-qr"
            src={`data:image/svg+xml;charset=utf-8,${encodeURIComponent(enrolment.qrSvg)}`}
            alt={t('QR code for your authenticator app')}
            width={184}
            height={184}
          />
          <details className="totp-manual">
            <summary>{t("Can't scan it? Type the key instead")}</summary>
            <div className="totp-secret">
              <code data-testid="totp-secret">{enrolment.secret.replace(/(.{4})/g, '$1 ').trim()}</code>
              <CopyButton text={enrolment.secret} label={t('Copy key')} />
            </div>
          </details>
        </li>
        <li>
          <p className="totp-step-title">{t('Enter the 6-digit code the app shows')}</p>
          <form className="form totp-verify" onSubmit={verify}>
            <Field label={t('Authentication code')}>
              {(props) => (
                <input
                  {...props}
                  className="input input-code"
                  name="code"
                  autoComplete="one-time-code"
                  inputMode="numeric"
                  maxLength={7}
                  placeholder="123 456"
                  required
                  value={code}
                  onChange={(event) => setCode(event.target.value)}
                  data-testid="totp-code"
                />
              )}
            </Field>
            <FormError message={error} />
            <div className="form-actions">
              {onCancel && (
                <button type="button" className="button" onClick={onCancel} disabled={busy}>
                  {t('Cancel')}
                </button>
              )}
              <button type="submit" className="button button-primary" disabled={busy}>
                {busy ? t('Checking…') : t('Turn on two-factor sign-in')}
              </button>
            </div>
          </form>
        </li>
      </ol>
    </div>
  );
}

/** Recovery codes, shown once: copy or download them before leaving. */
export function RecoveryCodesPanel({ codes, onDone }: { codes: string[]; onDone: () => void }) {
  const t = useT();
  const text = `${t('Beckon recovery codes (each works once)')}\n\n${codes.join('\n')}\n`;
  const download = `data:text/plain;charset=utf-8,${encodeURIComponent(text)}`;
  return (
    <div className="recovery-panel" data-testid="recovery-codes">
      <div className="alert alert-info" role="status">
        {t(
          'Save these recovery codes somewhere safe. Each one signs you in once if you lose your phone. They are shown only now.',
        )}
      </div>
      <ul className="recovery-grid">
        {codes.map((c) => (
          <li key={c}>
            <code>{c}</code>
          </li>
        ))}
      </ul>
      <div className="form-actions">
        <CopyButton text={codes.join('\n')} label={t('Copy codes')} />
        <a className="button" href={download} download="beckon-recovery-codes.txt">
          {t('Download')}
        </a>
        <button type="button" className="button button-primary" onClick={onDone}>
          {t('I saved them')}
        </button>
      </div>
    </div>
  );
}
