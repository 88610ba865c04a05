/**
 * Tells staff when a conversation misses its service level: the assigned agent about their own,
 * owners and admins about all. The server records each breach once; the console asks for new ones
 * every few seconds and shows each as a notice that waits to be read.
 */
import { useEffect } from 'react';
import { listSlaBreaches, type SlaBreachView } from '../api/sla.ts';
import { t } from '../i18n/i18n.ts';
import { useSession } from '../session/session-context.tsx';
import { useWorkspaceStore } from './workspace-context.tsx';

const POLL_MS = 5_000;
/** On a first load, breaches this recent still alert (one that happened just before sign-in). */
const RECENT_MS = 60_000;
/** The last breach alerted in this tab, so a reload or another page does not alert it again. */
const SEEN_KEY = 'beckon.sla.seen';

function seen(): string {
  try {
    return sessionStorage.getItem(SEEN_KEY) ?? new Date(Date.now() - RECENT_MS).toISOString();
  } catch {
    return new Date(Date.now() - RECENT_MS).toISOString();
  }
}

function remember(at: string): void {
  try {
    sessionStorage.setItem(SEEN_KEY, at);
  } catch {
    // private mode: a reload may alert once more
  }
}

/** The notice's words: "SLA missed: Ada — no first reply within 15 min". */
export function breachText(b: SlaBreachView): string {
  const values = {
    who: b.visitorName ?? t('a visitor'),
    minutes: Math.round(b.targetSeconds / 60),
    priority: b.priority,
  };
  return b.target === 'first_response'
    ? t(
        'SLA missed: {who} — no first reply within {minutes} min ({priority, select, urgent {urgent} high {high} low {low} other {normal}} priority)',
        values,
      )
    : t(
        'SLA missed: {who} — not resolved within {minutes} min ({priority, select, urgent {urgent} high {high} low {low} other {normal}} priority)',
        values,
      );
}

export function useSlaAlerts(): void {
  const store = useWorkspaceStore();
  const { user } = useSession();
  const watches = user.role === 'owner' || user.role === 'admin' || user.role === 'agent';
  useEffect(() => {
    if (!store || !watches) return;
    let since = seen();
    let live = true;
    const look = async () => {
      try {
        const { breaches } = await listSlaBreaches(since);
        if (!live || breaches.length === 0) return;
        since = breaches[0]!.breachedAt;
        remember(since);
        for (const b of [...breaches].reverse()) store.notify(breachText(b), 'warning');
      } catch {
        // the next look tries again
      }
    };
    look();
    const timer = window.setInterval(look, POLL_MS);
    return () => {
      live = false;
      window.clearInterval(timer);
    };
  }, [store, watches]);
}
