/** A list the inbox reloads every half minute, and whenever my chats change (I took or closed one). */
import { useEffect, useState } from 'react';
import { useWorkspace } from '../../../workspace/workspace-context.tsx';

const REFRESH_MS = 30_000;

/** The latest answer of `load`, or null until the first one. */
export function useRefreshed<T>(load: () => Promise<T>): T | null {
  const [items, setItems] = useState<T | null>(null);
  const mine = useWorkspace((s) => s.mine.length, 0);
  // biome-ignore lint/correctness/useExhaustiveDependencies: `load` is a fresh closure each render; my list changing is what reloads.
  useEffect(() => {
    let cancelled = false;
    const run = () =>
      load().then(
        (value) => !cancelled && setItems(value),
        () => {},
      );
    void run();
    const timer = window.setInterval(run, REFRESH_MS);
    return () => {
      cancelled = true;
      window.clearInterval(timer);
    };
  }, [mine]);
  return items;
}
