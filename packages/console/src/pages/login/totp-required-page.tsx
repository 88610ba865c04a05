/** Shown instead of the console to a member whose account requires two-factor sign-in they have not set up. */
import { useDocumentTitle } from '../../components/page-header.tsx';
import { useT } from '../../i18n/language-context.tsx';
import { useSession, useSessionApi } from '../../session/session-context.tsx';
import { TotpSetup } from '../settings/security/totp-setup.tsx';
import { LoginFrame } from './login-page.tsx';

export function TotpRequiredPage() {
  const t = useT();
  const { refresh, logout } = useSessionApi();
  const { account } = useSession();
  useDocumentTitle(t('Set up two-factor sign-in · Beckon'));
  return (
    <LoginFrame>
      <h1 className="login-title">{t('Set up two-factor sign-in')}</h1>
      <p className="login-subtitle">
        {t('{account} requires a code from an authenticator app at every sign-in. It takes a minute.', {
          account: account.name,
        })}
      </p>
      <TotpSetup onDone={() => void refresh()} />
      <div className="login-links">
        <button type="button" className="link-button" onClick={() => void logout()}>
          {t('Log out')}
        </button>
      </div>
    </LoginFrame>
  );
}
