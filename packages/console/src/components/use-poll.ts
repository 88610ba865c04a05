/** Polls a loader on a fixed pause while the page is visible, pausing in a background tab. */
import { useEffect, useRef, useState } from 'react';

export interface PollState<T> {
  data: T | undefined;
  error: unknown;
}

/**
 * Calls `load` now and `everyMs` after each answer; a new `key` starts over from empty. An error
 * keeps the last data, so a blip does not blank a dashboard.
 */
export function usePoll<T>(load: () => Promise<T>, everyMs: number, key: string): PollState<T> {
  const [state, setState] = useState<PollState<T>>({ data: undefined, error: undefined });
  const loader = useRef(load);
  loader.current = load;

  // biome-ignore lint/correctness/useExhaustiveDependencies: a new key (another site, time zone…) restarts polling from empty
  useEffect(() => {
    let stopped = false;
    let timer: ReturnType<typeof setTimeout> | undefined;
    let inFlight = false;

    const poll = async () => {
      if (stopped || inFlight || document.visibilityState !== 'visible') return;
      inFlight = true;
      try {
        const data = await loader.current();
        if (!stopped) setState({ data, error: undefined });
      } catch (error) {
        if (!stopped) setState((s) => ({ data: s.data, error }));
      } finally {
        inFlight = false;
        if (!stopped) timer = setTimeout(poll, everyMs);
      }
    };
    const onVisible = () => {
      if (document.visibilityState !== 'visible') return;
      clearTimeout(timer);
      void poll();
    };
    setState({ data: undefined, error: undefined });
    void poll();
    document.addEventListener('visibilitychange', onVisible);
    return () => {
      stopped = true;
      clearTimeout(timer);
      document.removeEventListener('visibilitychange', onVisible);
    };
  }, [everyMs, key]);

  return state;
}
