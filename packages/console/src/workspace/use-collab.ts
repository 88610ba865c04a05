/** Reading the collaboration state (viewers, colleagues typing, my unread mentions) in components. */
import { useSyncExternalStore } from 'react';
import type { CollabState } from './collab-store.ts';
import { useWorkspaceStore } from './workspace-context.tsx';

const EMPTY = () => () => {};

/** A slice of the collaboration state; the selector must return a part of it or a primitive. */
export function useCollab<T>(select: (s: CollabState) => T, fallback: T): T {
  const store = useWorkspaceStore();
  return useSyncExternalStore(store ? store.collab.subscribe : EMPTY, () =>
    store ? select(store.collab.getState()) : fallback,
  );
}
