/** The strip above the workspace and the history: the section's tabs, notifications and sound. */

import { isUnder, Link, usePath } from '../../router/router.tsx';
import {
  askNotifications,
  notificationsLater,
  setSoundOn,
  useNotificationState,
  useSoundOn,
} from '../../workspace/alert-preferences.ts';
import { TakesCallsSwitch } from '../../workspace/takes-calls-switch.tsx';
import { PageHeaderTitle } from './page-title.tsx';

const TABS = [
  { path: '/conversations', label: 'Inbox', exact: true },
  { path: '/conversations/history', label: 'History', exact: false },
];

export function ConversationsTabs() {
  const path = usePath();
  return (
    <nav className="tabs conversations-tabs" aria-label="Conversations">
      {TABS.map((tab) => {
        const current = tab.exact ? path === tab.path : isUnder(path, tab.path);
        return (
          <Link
            key={tab.path}
            to={tab.path}
            className={current ? 'tab tab-current' : 'tab'}
            aria-current={current ? 'page' : undefined}
            data-testid={`conversations-tab-${tab.label.toLowerCase()}`}
          >
            {tab.label}
          </Link>
        );
      })}
    </nav>
  );
}

export function WorkspaceBar() {
  const sound = useSoundOn();
  return (
    <div className="workspace-bar">
      <PageHeaderTitle title="Conversations" />
      <ConversationsTabs />
      <div className="workspace-bar-tools">
        <NotificationAsk />
        <TakesCallsSwitch />
        <label className="switch" title="Play a sound for new chats and messages">
          <input type="checkbox" checked={sound} onChange={(e) => setSoundOn(e.target.checked)} />
          <span className="switch-track" aria-hidden="true" />
          <span>Sound</span>
        </label>
      </div>
    </div>
  );
}

/** Asks once, politely, whether to show desktop notifications; never on its own, only from a click. */
function NotificationAsk() {
  const state = useNotificationState();
  if (state === 'granted') return <span className="muted bar-note">Desktop notifications on</span>;
  if (state === 'denied')
    return <span className="muted bar-note">Notifications are blocked in this browser</span>;
  if (state === 'unsupported') return null;
  if (state === 'dismissed') {
    return (
      <button
        type="button"
        className="button button-small button-ghost"
        onClick={() => void askNotifications()}
      >
        Turn on notifications
      </button>
    );
  }
  return (
    <div className="notify-ask" data-testid="notify-ask">
      <span className="notify-long">
        Get a desktop notification for new chats while Beckon is in the background?
      </span>
      <span className="notify-short">Desktop notifications?</span>
      <button
        type="button"
        className="button button-small button-primary"
        onClick={() => void askNotifications()}
      >
        Turn on
      </button>
      <button type="button" className="button button-small button-ghost" onClick={notificationsLater}>
        Not now
      </button>
    </div>
  );
}
