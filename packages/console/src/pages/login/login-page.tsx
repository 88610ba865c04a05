/** The only page a visitor without a session sees. A successful login renders the app in place. */
import { type FormEvent, type ReactNode, useState } from 'react';
import { ApiError, errorMessage } from '../../api/http.ts';
import { startSso } from '../../api/security.ts';
import { Field } from '../../components/field.tsx';
import { FormError } from '../../components/form-error.tsx';
import { LogoMark } from '../../components/icons.tsx';
import { useDocumentTitle } from '../../components/page-header.tsx';
import { useT } from '../../i18n/language-context.tsx';
import { LanguageSelect } from '../../i18n/language-select.tsx';
import { useSessionApi } from '../../session/session-context.tsx';

export function LoginPage({ expired }: { expired: boolean }) {
  const t = useT();
  const { login } = useSessionApi();
  const [email, setEmail] = useState('');
  const [password, setPassword] = useState('');
  const [submitting, setSubmitting] = useState(false);
  const [error, setError] = useState<string | null>(null);
  /** After a right password for a user with two-factor on: which second step is asked. */
  const [second, setSecond] = useState<'totp' | 'recovery' | null>(null);
  const [code, setCode] = useState('');
  const [sso, setSso] = useState(false);
  useDocumentTitle(t('Log in · Beckon'));

  async function startSingleSignOn(event: FormEvent<HTMLFormElement>) {
    event.preventDefault();
    setSubmitting(true);
    setError(null);
    try {
      window.location.assign((await startSso(email.trim())).authorizationUrl);
    } catch (caught) {
      setError(errorMessage(caught));
      setSubmitting(false);
    }
  }

  if (sso)
    return (
      <LoginFrame>
        <h1 className="login-title">{t('Single sign-on')}</h1>
        <p className="login-subtitle">
          {t("Enter your work e-mail. You sign in with your company's provider.")}
        </p>
        <form className="form" onSubmit={startSingleSignOn} data-testid="login-sso">
          <EmailField label={t('Work email')} value={email} onChange={setEmail} autoFocus />
          <FormError message={error} />
          <button type="submit" className="button button-primary button-block" disabled={submitting}>
            {submitting ? t('Redirecting…') : t('Continue')}
          </button>
        </form>
        <div className="login-links">
          <button
            type="button"
            className="link-button"
            onClick={() => {
              setSso(false);
              setError(null);
            }}
          >
            {t('Log in with a password instead')}
          </button>
        </div>
      </LoginFrame>
    );

  async function handleSubmit(event: FormEvent<HTMLFormElement>) {
    event.preventDefault();
    setSubmitting(true);
    setError(null);
    try {
      const factor =
        second === 'totp'
          ? { totpCode: code.trim() }
          : second === 'recovery'
            ? { recoveryCode: code.trim() }
            : {};
      await login(email.trim(), password, factor);
    } catch (caught) {
      if (caught instanceof ApiError && caught.code === 'totp_required') setSecond('totp');
      else setError(errorMessage(caught));
      setSubmitting(false);
    }
  }

  function switchSecond(next: 'totp' | 'recovery' | null) {
    setSecond(next);
    setCode('');
    setError(null);
  }

  if (second)
    return (
      <LoginFrame>
        <h1 className="login-title">{t('Two-factor sign-in')}</h1>
        <p className="login-subtitle">
          {second === 'totp'
            ? t('Enter the 6-digit code your authenticator app shows for Beckon.')
            : t(
                'Enter one of the recovery codes you saved when you set up two-factor sign-in. Each works once.',
              )}
        </p>
        <form className="form" onSubmit={handleSubmit} data-testid="login-second-factor">
          <Field label={second === 'totp' ? t('Authentication code') : t('Recovery code')}>
            {(props) => (
              <input
                {...props}
                className="input input-code"
                name="code"
                autoComplete="one-time-code"
                inputMode={second === 'totp' ? 'numeric' : 'text'}
                pattern={second === 'totp' ? '[0-9 ]{6,7}' : undefined}
                maxLength={second === 'totp' ? 7 : 32}
                placeholder={second === 'totp' ? '123 456' : 'xxxxx-xxxxx'}
                required
                // biome-ignore lint/a11y/noAutofocus: the only field of this step, reached by submitting the last one
                autoFocus
                value={code}
                onChange={(event) => setCode(event.target.value)}
              />
            )}
          </Field>
          <FormError message={error} />
          <button type="submit" className="button button-primary button-block" disabled={submitting}>
            {submitting ? t('Checking…') : t('Verify and log in')}
          </button>
        </form>
        <div className="login-links">
          <button
            type="button"
            className="link-button"
            onClick={() => switchSecond(second === 'totp' ? 'recovery' : 'totp')}
          >
            {second === 'totp' ? t('Use a recovery code instead') : t('Use the authenticator app instead')}
          </button>
          <button type="button" className="link-button" onClick={() => switchSecond(null)}>
            {t('Back')}
          </button>
        </div>
      </LoginFrame>
    );

  return (
    <LoginFrame>
      <h1 className="login-title">{t('Log in to Beckon')}</h1>
      <p className="login-subtitle">{t('Use the email and password your account owner gave you.')}</p>
      {expired && !error && (
        <div className="alert alert-info" role="status">
          {t('Your session has ended. Log in again to continue.')}
        </div>
      )}
      <form className="form" onSubmit={handleSubmit} data-testid="login-form">
        <EmailField label={t('Email')} value={email} onChange={setEmail} />
        <Field label={t('Password')}>
          {(props) => (
            <input
              {...props}
              className="input"
              type="password"
              name="password"
              autoComplete="current-password"
              required
              value={password}
              onChange={(event) => setPassword(event.target.value)}
            />
          )}
        </Field>
        <FormError message={error} />
        <button type="submit" className="button button-primary button-block" disabled={submitting}>
          {submitting ? t('Logging in…') : t('Log in')}
        </button>
      </form>
      <div className="login-divider" aria-hidden="true">
        <span>{t('or')}</span>
      </div>
      <button
        type="button"
        className="button button-block"
        onClick={() => {
          setSso(true);
          setError(null);
        }}
      >
        {t('Sign in with single sign-on')}
      </button>
    </LoginFrame>
  );
}

/** The sign-in page's two columns: the product's promise, and a card for the step at hand. */
export function LoginFrame({ children }: { children: ReactNode }) {
  const t = useT();
  return (
    <div className="login">
      <aside className="login-aside" aria-hidden="true">
        <div className="login-aside-brand">
          <LogoMark />
          <span>Beckon</span>
        </div>
        <div className="login-aside-copy">
          <p className="login-aside-title">{t('Engage the right visitor, at the right moment.')}</p>
          <ul className="login-aside-points">
            <li>{t('See who is on your site and what they are doing, live.')}</li>
            <li>{t('Invite the visitors most likely to buy to chat with your team.')}</li>
            <li>{t('Measure the lift against a control group, not a guess.')}</li>
          </ul>
        </div>
      </aside>
      <main className="login-main">
        <div className="login-card">
          <div className="login-card-brand">
            <LogoMark />
          </div>
          {children}
          <div className="login-language">
            <LanguageSelect />
          </div>
        </div>
      </main>
    </div>
  );
}

/** The sign-in e-mail, as password managers know it (`username`). */
function EmailField(props: {
  label: string;
  value: string;
  onChange: (v: string) => void;
  autoFocus?: boolean;
}) {
  return (
    <Field label={props.label}>
      {(aria) => (
        <input
          {...aria}
          className="input"
          type="email"
          name="email"
          autoComplete="username"
          required
          // biome-ignore lint/a11y/noAutofocus: only where the e-mail is the step's one field
          autoFocus={props.autoFocus}
          value={props.value}
          onChange={(event) => props.onChange(event.target.value)}
        />
      )}
    </Field>
  );
}
