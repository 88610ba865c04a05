/**
 * Where the client keeps what must outlive a restart (the app token, the last line seen). The
 * shape is Web Storage's and React Native AsyncStorage's alike: pass `localStorage` or
 * `AsyncStorage` as they are; either sync or async methods are fine.
 */
export interface StorageAdapter {
  getItem(key: string): string | null | Promise<string | null>;
  setItem(key: string, value: string): void | Promise<void>;
  removeItem(key: string): void | Promise<void>;
}

/** Kept in memory only: a fresh start forgets everything (the default; Node and tests). */
export function memoryStorage(): StorageAdapter {
  const map = new Map<string, string>();
  return {
    getItem: (key) => map.get(key) ?? null,
    setItem: (key, value) => {
      map.set(key, value);
    },
    removeItem: (key) => {
      map.delete(key);
    },
  };
}

/** The browser's `localStorage`, or memory where it is missing or refused (private modes). */
export function localStorageAdapter(): StorageAdapter {
  const ls = (globalThis as { localStorage?: StorageAdapter }).localStorage;
  if (!ls) return memoryStorage();
  try {
    ls.setItem('beckon.probe', '1');
    ls.removeItem('beckon.probe');
    return ls;
  } catch {
    return memoryStorage();
  }
}
