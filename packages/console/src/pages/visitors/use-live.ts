/**
 * Polls an API read about once a second while the tab is visible, pauses while it is hidden and
 * catches up at once when it is shown again. Requests never overlap; an answer to an older loader
 * (the filters changed meanwhile) is dropped. After failures it slows down, up to 10 s.
 */
import { useEffect, useState } from 'react';

export interface Live<T> {
  data: T | undefined;
  error: unknown;
  /** Date.now() when `data` arrived, to let clocks tick between answers. */
  receivedAt: number;
  /** True until the first answer (or failure) for the current loader. */
  loading: boolean;
}

export function useLive<T>(load: () => Promise<T>, intervalMs = 1000): Live<T> {
  const [state, setState] = useState<Live<T>>({
    data: undefined,
    error: undefined,
    receivedAt: 0,
    loading: true,
  });

  useEffect(() => {
    let cancelled = false;
    let timer: number | undefined;
    let inFlight = false;
    let failures = 0;
    setState((current) => ({ ...current, loading: true }));

    const tick = async () => {
      timer = undefined;
      if (cancelled || inFlight || document.hidden) return;
      inFlight = true;
      const started = Date.now();
      try {
        const data = await load();
        if (cancelled) return;
        failures = 0;
        setState({ data, error: undefined, receivedAt: Date.now(), loading: false });
      } catch (error) {
        if (cancelled) return;
        failures++;
        setState((current) => ({ ...current, error, loading: false }));
      } finally {
        inFlight = false;
      }
      const wait =
        failures > 0 ? Math.min(10_000, intervalMs * 2 ** failures) : intervalMs - (Date.now() - started);
      if (!cancelled && !document.hidden) timer = window.setTimeout(tick, Math.max(0, wait));
    };

    const onVisibility = () => {
      if (!document.hidden && timer === undefined && !inFlight) void tick();
    };
    document.addEventListener('visibilitychange', onVisibility);
    void tick();
    return () => {
      cancelled = true;
      window.clearTimeout(timer);
      document.removeEventListener('visibilitychange', onVisibility);
    };
  }, [load, intervalMs]);

  return state;
}

/** The current time, re-read every `ms` so durations on screen keep ticking. */
export function useNow(ms = 1000): number {
  const [now, setNow] = useState(() => Date.now());
  useEffect(() => {
    const timer = window.setInterval(() => setNow(Date.now()), ms);
    return () => window.clearInterval(timer);
  }, [ms]);
  return now;
}
