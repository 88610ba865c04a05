/**
 * Turns workspace signals into a sound and, while the console is in the background, a desktop
 * notification; clicking the notification brings the chat forward.
 */
import { useEffect } from 'react';
import { t } from '../i18n/i18n.ts';
import { navigate } from '../router/router.tsx';
import { soundOn } from './alert-preferences.ts';
import { chime } from './chime.ts';
import type { WorkspaceSignal, WorkspaceStore } from './workspace-store.ts';

function inBackground(): boolean {
  return document.hidden || !document.hasFocus();
}

/** The visitor, with the chat's topic when it has one: "Ines · Sizes". */
function who(s: WorkspaceSignal, withTopic = true): string {
  const name = s.conversation.visitorName?.trim() || t('A visitor');
  return withTopic && s.conversation.topic ? `${name} · ${s.conversation.topic}` : name;
}

function describe(s: WorkspaceSignal): { title: string; body: string } {
  switch (s.kind) {
    case 'offer':
      return {
        title: t('New chat offer'),
        body: t('{who} wants to chat. Accept it in Beckon.', { who: who(s) }),
      };
    case 'assigned':
      return { title: t('A chat was transferred to you'), body: who(s) };
    case 'message':
      return { title: who(s, false), body: s.message.text.slice(0, 140) };
  }
}

function showNotification(store: WorkspaceStore, s: WorkspaceSignal): void {
  if (typeof Notification === 'undefined' || Notification.permission !== 'granted') return;
  const { title, body } = describe(s);
  try {
    const n = new Notification(title, { body, tag: `beckon-${s.conversation.id}` });
    n.onclick = () => {
      window.focus();
      navigate('/conversations');
      if (s.kind !== 'offer') store.select(s.conversation.id);
      n.close();
    };
  } catch {
    // Some browsers only allow notifications from a service worker; the sound and the title remain.
  }
}

/** Sounds and desktop notifications for the workspace's signals. */
export function useWorkspaceAlerts(store: WorkspaceStore | null): void {
  useEffect(() => {
    if (!store) return;
    return store.onSignal((s) => {
      const background = inBackground();
      if (s.kind === 'message') {
        const onScreen =
          !background &&
          store.getState().selectedId === s.conversation.id &&
          window.location.pathname.includes('/conversations');
        if (onScreen) return;
      }
      if (soundOn()) chime(s.kind === 'message' ? 'message' : 'offer');
      if (background) showNotification(store, s);
    });
  }, [store]);
}
