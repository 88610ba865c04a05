/**
 * Tells staff when a conversation misses its service level: the assigned agent about their own,
 * owners and admins about all. The server records each breach once and announces it on the agent
 * socket; when the socket (re)connects, the console asks for those it did not hear meanwhile.
 * Each becomes a notice that waits to be read, once per tab.
 */
import { useEffect, useRef } from 'react';
import { listSlaBreaches, type SlaBreachView } from '../api/sla.ts';
import { t } from '../i18n/i18n.ts';
import { useSession } from '../session/session-context.tsx';
import { useWorkspace, useWorkspaceStore } from './workspace-context.tsx';
import type { WorkspaceStore } from './workspace-store.ts';

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

/** The breaches this tab has shown, from the socket and from the catch-up alike. */
class BreachAlerts {
  private since = seen();
  private readonly alerted = new Set<string>();
  private live = true;

  constructor(private readonly store: WorkspaceStore) {}

  /** Breaches recorded since the last one shown: those a closed or broken socket did not carry. */
  async catchUp(): Promise<void> {
    try {
      const { breaches } = await listSlaBreaches(this.since);
      if (this.live) this.alert([...breaches].reverse());
    } catch {
      // the next reconnect asks again; new breaches still come on the socket
    }
  }

  /** Shows each breach once, oldest first. */
  alert(breaches: readonly SlaBreachView[]): void {
    for (const b of breaches) {
      const key = `${b.conversationId}:${b.target}`;
      if (this.alerted.has(key)) continue;
      this.alerted.add(key);
      this.store.notify(breachText(b), 'warning');
      if (b.breachedAt > this.since) {
        this.since = b.breachedAt;
        remember(this.since);
      }
    }
  }

  stop(): void {
    this.live = false;
  }
}

export function useSlaAlerts(): void {
  const store = useWorkspaceStore();
  const { user } = useSession();
  const watches = user.role === 'owner' || user.role === 'admin' || user.role === 'agent';
  const open = useWorkspace((s) => s.connection === 'open', false);
  const alerts = useRef<BreachAlerts | null>(null);
  useEffect(() => {
    if (!store || !watches) return;
    const a = new BreachAlerts(store);
    alerts.current = a;
    const off = store.onSlaBreach((b) => a.alert([b]));
    return () => {
      off();
      a.stop();
      alerts.current = null;
    };
  }, [store, watches]);
  // At sign-in and after each reconnect.
  useEffect(() => {
    if (open && store && watches) void alerts.current?.catchUp();
  }, [open, store, watches]);
}
