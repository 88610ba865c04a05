/**
 * After sign-in, an agent who is offline or away is asked, at the top of every page, whether to
 * go online: visitors see no chat button while no agent is online. One click makes them online;
 * "Not now" hides it for the rest of the browser tab's life. It sits first in the page, right
 * under the top bar, so a keyboard user reaches it before the page's content.
 */
import { useState } from 'react';
import { useT } from '../i18n/language-context.tsx';
import { useWorkspace, useWorkspaceStore } from './workspace-context.tsx';
import { actionError } from './workspace-store.ts';

const DISMISSED_KEY = 'beckon.go-online-dismissed';

function dismissedBefore(): boolean {
  try {
    return sessionStorage.getItem(DISMISSED_KEY) === '1';
  } catch {
    return false;
  }
}

export function GoOnlinePrompt() {
  const t = useT();
  const store = useWorkspaceStore();
  const status = useWorkspace((s) => s.status, 'offline');
  const connection = useWorkspace((s) => s.connection, 'refused');
  const awayReason = useWorkspace((s) => s.agent?.awayReason ?? null, null);
  // The router's own "set away" toast already offers the way back; one invitation at a time.
  const toastOffers = useWorkspace((s) => s.notices.some((n) => n.action === 'go-online'), false);
  const [dismissed, setDismissed] = useState(dismissedBefore);
  const [busy, setBusy] = useState(false);
  const shown = !!store && connection === 'open' && status !== 'online' && !dismissed && !toastOffers;

  if (!shown || !store) return null;

  async function goOnline() {
    if (!store) return;
    setBusy(true);
    try {
      await store.setStatus('online');
    } catch (error) {
      store.notify(actionError(error));
    } finally {
      setBusy(false);
    }
  }

  function notNow() {
    try {
      sessionStorage.setItem(DISMISSED_KEY, '1');
    } catch {
      // Private mode: hidden for this page's life only.
    }
    setDismissed(true);
  }

  const question =
    status !== 'away'
      ? t('You are offline. Go online to take chats?')
      : awayReason
        ? t('You are away ({reason}). Go online to take chats?', { reason: awayReason })
        : t('You are away. Go online to take chats?');
  return (
    <section className="go-online" aria-label={t('Your availability')} data-testid="go-online-prompt">
      <span className={`go-online-dot go-online-dot-${status}`} aria-hidden="true" />
      <div className="go-online-text">
        {/* Not a heading: it comes before the page's own h1, and the heading order must hold. */}
        <p className="go-online-title">{question}</p>
        <p className="go-online-hint">
          {t('Visitors see the chat button only while an agent with their skill is online.')}
        </p>
      </div>
      <button
        type="button"
        className="button button-primary"
        onClick={goOnline}
        disabled={busy}
        data-testid="go-online-button"
      >
        {t('Go online')}
      </button>
      <button type="button" className="button button-ghost" onClick={notNow} disabled={busy}>
        {t('Not now')}
      </button>
    </section>
  );
}
