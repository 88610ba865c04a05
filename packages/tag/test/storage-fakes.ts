import type { CookieJar, KeyValueStore } from '../src/storage.ts';

/** localStorage in memory; writes longer than `quota` characters throw as a full storage does. */
export class MemoryStore implements KeyValueStore {
  map = new Map<string, string>();
  quota = Number.POSITIVE_INFINITY;
  getItem = (k: string) => this.map.get(k) ?? null;
  setItem = (k: string, v: string) => {
    if (v.length > this.quota) throw new DOMException('full', 'QuotaExceededError');
    this.map.set(k, v);
  };
  removeItem = (k: string) => void this.map.delete(k);
}

/** A cookie jar that behaves like document.cookie for name=value; max-age=N. */
export class Jar implements CookieJar {
  values = new Map<string, string>();
  writes: string[] = [];
  get cookie() {
    return [...this.values].map(([k, v]) => `${k}=${v}`).join('; ');
  }
  set cookie(line: string) {
    this.writes.push(line);
    const [pair, ...attrs] = line.split('; ');
    const [k, v] = pair!.split('=') as [string, string];
    if (attrs.includes('max-age=0')) this.values.delete(k);
    else this.values.set(k, v);
  }
}

/** localStorage where the page may not use it (blocked cookies, some private modes). */
export const blocked = (): KeyValueStore => {
  throw new DOMException('The operation is insecure.', 'SecurityError');
};
