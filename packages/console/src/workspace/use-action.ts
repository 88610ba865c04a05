import { useState } from 'react';
import { useWorkspaceStore } from './workspace-context.tsx';
import { actionError } from './workspace-store.ts';

/**
 * A workspace action behind a button: `busy` while it runs (the button is disabled), and its
 * failure shown as the workspace's notice rather than thrown.
 */
export function useAction(): [boolean, (work: () => Promise<unknown>) => Promise<void>] {
  const store = useWorkspaceStore();
  const [busy, setBusy] = useState(false);
  const run = async (work: () => Promise<unknown>) => {
    setBusy(true);
    try {
      await work();
    } catch (error) {
      store?.notify(actionError(error));
    } finally {
      setBusy(false);
    }
  };
  return [busy, run];
}
