/** One-line notices from the workspace (set away after missed offers, a chat reassigned), as toasts in a corner. */
import { useEffect, useState } from 'react';
import { AlertIcon, CloseIcon } from '../components/icons.tsx';
import { useT } from '../i18n/language-context.tsx';
import { useWorkspace, useWorkspaceStore } from './workspace-context.tsx';
import type { Notice } from './workspace-state.ts';
import { actionError } from './workspace-store.ts';

const NONE: Notice[] = [];
/** Info notices fade by themselves; warnings and errors wait to be read. */
const INFO_MS = 8000;

export function WorkspaceNotices() {
  const notices = useWorkspace((s) => s.notices, NONE);
  if (notices.length === 0) return null;
  return (
    <div className="toasts" aria-live="polite" data-testid="workspace-notices">
      {notices.map((notice) => (
        <Toast key={notice.id} notice={notice} />
      ))}
    </div>
  );
}

function Toast({ notice }: { notice: Notice }) {
  const t = useT();
  const store = useWorkspaceStore();
  const [busy, setBusy] = useState(false);

  useEffect(() => {
    if (notice.tone !== 'info' || !store) return;
    const timer = window.setTimeout(() => store.dismissNotice(notice.id), INFO_MS);
    return () => window.clearTimeout(timer);
  }, [notice, store]);

  if (!store) return null;

  async function goOnline() {
    if (!store) return;
    setBusy(true);
    try {
      await store.setStatus('online');
      store.dismissNotice(notice.id);
    } catch (error) {
      store.notify(actionError(error));
      setBusy(false);
    }
  }

  return (
    <div
      className={`toast toast-${notice.tone}`}
      role={notice.tone === 'info' ? 'status' : 'alert'}
      data-testid="notice"
    >
      <AlertIcon className="icon toast-icon" />
      <span className="toast-text">{notice.text}</span>
      {notice.action === 'go-online' && (
        <button
          type="button"
          className="button button-small button-primary"
          onClick={goOnline}
          disabled={busy}
        >
          {t('Go online')}
        </button>
      )}
      <button
        type="button"
        className="icon-button"
        aria-label={t('Dismiss')}
        onClick={() => store.dismissNotice(notice.id)}
      >
        <CloseIcon />
      </button>
    </div>
  );
}
