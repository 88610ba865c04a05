/** The strip above the workspace and the history: the section's tabs, notifications and sound. */

import { useT } from '../../i18n/language-context.tsx';
import { isUnder, Link, usePath } from '../../router/router.tsx';
import {
  askNotifications,
  notificationsLater,
  setSoundOn,
  useNotificationState,
  useSoundOn,
} from '../../workspace/alert-preferences.ts';
import { DialPadButton } from '../../workspace/phone-dial.tsx';
import { TakesCallsSwitch } from '../../workspace/takes-calls-switch.tsx';
import { useCollab } from '../../workspace/use-collab.ts';
import { PageHeaderTitle } from './page-title.tsx';

const TABS = [
  { path: '/conversations', id: 'inbox', exact: true },
  { path: '/conversations/mentions', id: 'mentions', exact: true },
  { path: '/conversations/history', id: 'history', exact: false },
] as const;

export function ConversationsTabs() {
  const t = useT();
  const path = usePath();
  const unread = useCollab((s) => s.unreadMentions ?? 0, 0);
  return (
    <nav className="tabs conversations-tabs" aria-label={t('Conversations')}>
      {TABS.map((tab) => {
        const current = tab.exact ? path === tab.path : isUnder(path, tab.path);
        return (
          <Link
            key={tab.path}
            to={tab.path}
            className={current ? 'tab tab-current' : 'tab'}
            aria-current={current ? 'page' : undefined}
            data-testid={`conversations-tab-${tab.id}`}
          >
            {tab.id === 'inbox' ? t('Inbox') : tab.id === 'mentions' ? t('Mentions') : t('History')}
            {tab.id === 'mentions' && unread > 0 && (
              <span className="tab-count" data-testid="mentions-unread">
                <span aria-hidden="true">{unread}</span>
                <span className="visually-hidden">
                  {' '}
                  {t('{count, plural, one {# unread} other {# unread}}', { count: unread })}
                </span>
              </span>
            )}
          </Link>
        );
      })}
    </nav>
  );
}

export function WorkspaceBar() {
  const t = useT();
  const sound = useSoundOn();
  return (
    <div className="workspace-bar">
      <PageHeaderTitle title={t('Conversations')} />
      <ConversationsTabs />
      <div className="workspace-bar-tools">
        <NotificationAsk />
        <DialPadButton />
        <TakesCallsSwitch />
        <label className="switch" title={t('Play a sound for new chats and messages')}>
          <input type="checkbox" checked={sound} onChange={(e) => setSoundOn(e.target.checked)} />
          <span className="switch-track" aria-hidden="true" />
          <span>{t('Sound')}</span>
        </label>
      </div>
    </div>
  );
}

/** Asks once, politely, whether to show desktop notifications; never on its own, only from a click. */
function NotificationAsk() {
  const t = useT();
  const state = useNotificationState();
  if (state === 'granted') return <span className="muted bar-note">{t('Desktop notifications on')}</span>;
  if (state === 'denied')
    return <span className="muted bar-note">{t('Notifications are blocked in this browser')}</span>;
  if (state === 'unsupported') return null;
  if (state === 'dismissed') {
    return (
      <button
        type="button"
        className="button button-small button-ghost"
        onClick={() => void askNotifications()}
      >
        {t('Turn on notifications')}
      </button>
    );
  }
  return (
    <div className="notify-ask" data-testid="notify-ask">
      <span className="notify-long">
        {t('Get a desktop notification for new chats while Beckon is in the background?')}
      </span>
      <span className="notify-short">{t('Desktop notifications?')}</span>
      <button
        type="button"
        className="button button-small button-primary"
        onClick={() => void askNotifications()}
      >
        {t('Turn on')}
      </button>
      <button type="button" className="button button-small button-ghost" onClick={notificationsLater}>
        {t('Not now')}
      </button>
    </div>
  );
}
