import { useSyncExternalStore } from 'react';
import { type CallsState, NO_CALLS } from './call-store.ts';
import { useWorkspaceStore } from './workspace-context.tsx';

const EMPTY = () => () => {};

/** The agent's calls (none for users who take no chats). */
export function useCalls(): CallsState {
  const store = useWorkspaceStore();
  return useSyncExternalStore(store ? store.calls.subscribe : EMPTY, () =>
    store ? store.calls.getState() : NO_CALLS,
  );
}

/** "3:07": a call's running time. */
export function callClock(ms: number): string {
  const s = Math.max(0, Math.floor(ms / 1000));
  return `${Math.floor(s / 60)}:${String(s % 60).padStart(2, '0')}`;
}
