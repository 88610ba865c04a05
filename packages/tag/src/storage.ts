/** The part of `localStorage` the tag uses. */
export interface KeyValueStore {
  getItem(key: string): string | null;
  setItem(key: string, value: string): void;
  removeItem(key: string): void;
}

/** The part of `document` the cookie fallback uses. */
export interface CookieJar {
  cookie: string;
}

/** First-party storage: localStorage, or a cookie when localStorage is unavailable or refuses writes. */
export interface TagStorage {
  get(key: string): string | null;
  /** Stores `value`, or removes the key when it is null. */
  set(key: string, value: string | null): void;
}

/** Builds the tag's storage over `local()` (which may throw: storage disabled) with `jar` cookies as the fallback. */
export function createStorage(local: () => KeyValueStore, jar: CookieJar, secure?: boolean): TagStorage {
  const cookie = (key: string) => {
    const hit = `; ${jar.cookie}`.split(`; ${key}=`)[1];
    return hit ? decodeURIComponent(hit.split(';')[0]!) : null;
  };
  return {
    get(key) {
      try {
        const value = local().getItem(key);
        if (value !== null) return value;
      } catch {
        // storage disabled: the cookie may have it
      }
      try {
        return cookie(key);
      } catch {
        return null;
      }
    },
    set(key, value) {
      try {
        if (value === null) local().removeItem(key);
        else return local().setItem(key, value);
      } catch {
        // fall through to the cookie
      }
      if (value !== null || cookie(key) !== null) {
        jar.cookie = `${key}=${encodeURIComponent(value || '')}; max-age=${value === null ? 0 : 34560000}; path=/; SameSite=Lax${secure ? '; Secure' : ''}`;
      }
    },
  };
}
