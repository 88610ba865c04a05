/** Polls the live dashboard while the page is visible (every second), pausing in a background tab. */
import { useEffect, useState } from 'react';
import { getLive, type LiveReport } from '../../api/reports.ts';

export const LIVE_POLL_MS = 1000;

export interface LiveState {
  data: LiveReport | undefined;
  error: unknown;
}

export function useLiveReport(siteId: string, tz: string): LiveState {
  const [state, setState] = useState<LiveState>({ data: undefined, error: undefined });

  useEffect(() => {
    let stopped = false;
    let timer: ReturnType<typeof setTimeout> | undefined;
    let inFlight = false;

    const poll = async () => {
      if (stopped || inFlight || document.visibilityState !== 'visible') return;
      inFlight = true;
      try {
        const data = await getLive(siteId, tz);
        if (!stopped) setState({ data, error: undefined });
      } catch (error) {
        if (!stopped) setState((s) => ({ data: s.data, error }));
      } finally {
        inFlight = false;
        if (!stopped) timer = setTimeout(poll, LIVE_POLL_MS);
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
  }, [siteId, tz]);

  return state;
}
