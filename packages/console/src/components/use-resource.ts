/** Loads something from the API for a page: data, loading, error, reload, and local updates after writes. */
import { useCallback, useEffect, useRef, useState } from 'react';

export interface Resource<T> {
  data: T | undefined;
  error: unknown;
  loading: boolean;
  reload: () => void;
  /** Replace the data locally (after a successful create/update/delete) without refetching. */
  update: (change: (current: T) => T) => void;
}

export function useResource<T>(loader: () => Promise<T>): Resource<T> {
  const [data, setData] = useState<T | undefined>(undefined);
  const [error, setError] = useState<unknown>(undefined);
  const [loading, setLoading] = useState(true);
  const latest = useRef(0);

  const reload = useCallback(() => {
    const ticket = ++latest.current;
    setLoading(true);
    setError(undefined);
    loader().then(
      (value) => {
        if (ticket !== latest.current) return;
        setData(value);
        setLoading(false);
      },
      (caught: unknown) => {
        if (ticket !== latest.current) return;
        setError(caught);
        setLoading(false);
      },
    );
  }, [loader]);

  useEffect(reload, [reload]);

  const update = useCallback((change: (current: T) => T) => {
    setData((current) => (current === undefined ? current : change(current)));
  }, []);

  return { data, error, loading, reload, update };
}
