/** Shown instead of the console to a member whose account requires two-factor sign-in they have not set up. */
import { useDocumentTitle } from '../../components/page-header.tsx';
import { useSession, useSessionApi } from '../../session/session-context.tsx';
import { TotpSetup } from '../settings/security/totp-setup.tsx';
import { LoginFrame } from './login-page.tsx';

export function TotpRequiredPage() {
  const { refresh, logout } = useSessionApi();
  const { account } = useSession();
  useDocumentTitle('Set up two-factor sign-in · Beckon');
  return (
    <LoginFrame>
      <h1 className="login-title">Set up two-factor sign-in</h1>
      <p className="login-subtitle">
        {account.name} requires a code from an authenticator app at every sign-in. It takes a minute.
      </p>
      <TotpSetup onDone={() => void refresh()} />
      <div className="login-links">
        <button type="button" className="link-button" onClick={() => void logout()}>
          Log out
        </button>
      </div>
    </LoginFrame>
  );
}
