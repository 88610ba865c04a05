import { useState } from 'react';
import { saveConsoleLanguage } from '../api/auth.ts';
import { LogOutIcon } from '../components/icons.tsx';
import { initials, ROLE_LABELS } from '../components/people.ts';
import { useT } from '../i18n/language-context.tsx';
import { LanguageSelect } from '../i18n/language-select.tsx';
import { navigate } from '../router/router.tsx';
import { useSession, useSessionApi } from '../session/session-context.tsx';
import { StatusSwitch } from '../workspace/status-switch.tsx';

/** Account name on the left; the agent's chat status, who is logged in, their role, their language, and Log out on the right. */
export function TopBar() {
  const t = useT();
  const { user, account } = useSession();
  const { logout } = useSessionApi();
  const [leaving, setLeaving] = useState(false);

  async function handleLogout() {
    setLeaving(true);
    try {
      await logout();
    } catch {
      // The session is cleared locally either way; nothing useful to show.
    }
    navigate('/');
  }

  return (
    <header className="topbar">
      <div className="topbar-account" data-testid="account-name">
        <span className="topbar-account-label">{t('Account')}</span>
        <span className="topbar-account-name">{account.name}</span>
      </div>
      <LanguageSelect save={saveConsoleLanguage} />
      <div className="topbar-user">
        <StatusSwitch />
        <span className="avatar" aria-hidden="true" title={user.name}>
          {initials(user.name)}
        </span>
        <span className="topbar-user-text">
          <span className="topbar-user-name" data-testid="user-name">
            {user.name}
          </span>
          <span className="topbar-user-role" data-testid="user-role">
            {ROLE_LABELS[user.role]}
          </span>
        </span>
        <button type="button" className="button button-ghost" onClick={handleLogout} disabled={leaving}>
          <LogOutIcon />
          <span>{t('Log out')}</span>
        </button>
      </div>
    </header>
  );
}
