/** The root: wait for the session, then show the login page or the signed-in console. */
import { errorMessage } from './api/http.ts';
import { LogoMark } from './components/icons.tsx';
import { useT } from './i18n/language-context.tsx';
import { AppShell } from './layout/app-shell.tsx';
import { LoginPage } from './pages/login/login-page.tsx';
import { TotpRequiredPage } from './pages/login/totp-required-page.tsx';
import { Routes } from './routes.tsx';
import { SessionProvider, useSessionApi } from './session/session-context.tsx';

export function App() {
  return (
    <SessionProvider>
      <Root />
    </SessionProvider>
  );
}

function Root() {
  const t = useT();
  const { state, retry } = useSessionApi();
  switch (state.status) {
    case 'loading':
      return (
        <div className="splash" role="status" aria-label={t('Loading Beckon')}>
          <LogoMark className="logo-mark splash-logo" />
        </div>
      );
    case 'error':
      return (
        <div className="splash">
          <div className="splash-card">
            <LogoMark />
            <h1 className="splash-title">{t('Beckon is not reachable')}</h1>
            <p className="splash-text">{errorMessage(state.error)}</p>
            <button type="button" className="button button-primary" onClick={retry}>
              {t('Try again')}
            </button>
          </div>
        </div>
      );
    case 'anonymous':
      return <LoginPage expired={state.expired} />;
    case 'authenticated':
      if (state.session.twoFactor.setupRequired) return <TotpRequiredPage />;
      return (
        <AppShell>
          <Routes />
        </AppShell>
      );
  }
}
