/**
 * Holds the agent workspace for the whole signed-in console, so status, offers, sounds and the
 * unread count in the tab title keep working on every page, not only on Conversations.
 * Analysts take no chats and get no socket.
 */
import { createContext, type ReactNode, use, useEffect, useState, useSyncExternalStore } from 'react';
import { request } from '../api/http.ts';
import './workspace-chrome.css';
import { useSession } from '../session/session-context.tsx';
import { useWorkspaceAlerts } from './workspace-alerts.ts';
import { attentionCount, type WorkspaceState } from './workspace-state.ts';
import { WorkspaceStore } from './workspace-store.ts';

const WorkspaceContext = createContext<WorkspaceStore | null>(null);

/** Asks the server again: a 401 there takes the console back to the login page. */
function recheckSession(): void {
  request('GET', '/api/v1/me').catch(() => {});
}

export function WorkspaceProvider({ children }: { children: ReactNode }) {
  const { user } = useSession();
  const takesChats = user.role !== 'analyst';
  const [store] = useState(() => (takesChats ? new WorkspaceStore(user.id, recheckSession) : null));

  useEffect(() => {
    if (!store) return;
    store.start();
    return () => store.stop();
  }, [store]);

  useWorkspaceAlerts(store);

  return <WorkspaceContext value={store}>{children}</WorkspaceContext>;
}

/** The workspace store, or null for users who take no chats (analysts). */
export function useWorkspaceStore(): WorkspaceStore | null {
  return use(WorkspaceContext);
}

const EMPTY = () => () => {};

/**
 * A slice of the workspace state; re-renders only when the slice changes. The selector must
 * return a part of the state or a primitive (not a fresh object) to stay stable.
 */
export function useWorkspace<T>(select: (s: WorkspaceState) => T, fallback: T): T {
  const store = useWorkspaceStore();
  return useSyncExternalStore(store ? store.subscribe : EMPTY, () =>
    store ? select(store.getState()) : fallback,
  );
}

/** Offers waiting plus unread visitor messages in my chats: the tab title and the navigation show it. */
export function useAttentionCount(): number {
  return useWorkspace(attentionCount, 0);
}
