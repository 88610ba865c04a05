import type { Store } from '../store/store.ts';

/** What the gateway needs to know about a site, cached by site key. */
export interface SiteInfo {
  id: string;
  accountId: string;
  siteKey: string;
  timeZone: string;
  /** Normalised origins allowed to connect; empty means any origin. */
  allowedOrigins: ReadonlySet<string>;
  /** Visitor addresses are cut to their network where they enter (privacy/ip-anonymizer.ts). */
  anonymizeIp: boolean;
}

interface Entry {
  site: SiteInfo | null;
  at: number;
}

const MAX_ENTRIES = 50_000;
const MISS_TTL_MS = 5000;

/** Normalises an `Origin` header the way the sites repo normalises allow-lists. */
export const normaliseOrigin = (origin: string): string => origin.replace(/\/+$/, '').toLowerCase();

/** Resolves public site keys to sites, with a short cache (misses too, so floods of bad keys stay cheap). */
export class SiteDirectory {
  private readonly cache = new Map<string, Entry>();
  private readonly inflight = new Map<string, Promise<SiteInfo | null>>();
  /** Counts `forget` calls: a read that began before one does not cache what it read. */
  private generation = 0;

  constructor(
    private readonly store: Store,
    private readonly ttlMs: number,
  ) {}

  /** The site for a key, or null when no site has it. */
  async byKey(siteKey: string, now = Date.now()): Promise<SiteInfo | null> {
    const hit = this.cache.get(siteKey);
    if (hit && now - hit.at < (hit.site ? this.ttlMs : MISS_TTL_MS)) return hit.site;
    let p = this.inflight.get(siteKey);
    if (!p) {
      const loading = this.load(siteKey).finally(() => {
        if (this.inflight.get(siteKey) === loading) this.inflight.delete(siteKey);
      });
      p = loading;
      this.inflight.set(siteKey, p);
    }
    return p;
  }

  /**
   * Drops what is cached for a site whose settings changed (its allow-list, its time zone), so the
   * next connection reads them from the store: an origin added is admitted at once, and one
   * removed is refused at once, not after the cache's time. A read already under way keeps its
   * answer for its own caller but is not cached.
   */
  forget(siteKey: string): void {
    this.cache.delete(siteKey);
    this.inflight.delete(siteKey);
    this.generation++;
  }

  /** The cached site, without a store round trip (after `byKey` resolved it). */
  cached(siteKey: string): SiteInfo | null {
    return this.cache.get(siteKey)?.site ?? null;
  }

  /** True when `origin` may use the site (an empty allow-list admits any origin, and no origin at all). */
  static originAllowed(site: SiteInfo, origin: string | undefined): boolean {
    if (site.allowedOrigins.size === 0) return true;
    return origin !== undefined && site.allowedOrigins.has(normaliseOrigin(origin));
  }

  private async load(siteKey: string): Promise<SiteInfo | null> {
    const generation = this.generation;
    const valid = /^[0-9a-z]{1,64}$/.test(siteKey);
    const rec = valid ? await this.store.sites.findBySiteKey(siteKey) : undefined;
    const site: SiteInfo | null = rec
      ? {
          id: rec.id,
          accountId: rec.accountId,
          siteKey: rec.siteKey,
          timeZone: rec.timeZone,
          allowedOrigins: new Set(rec.allowedOrigins.map(normaliseOrigin)),
          anonymizeIp: rec.anonymizeIp,
        }
      : null;
    if (generation !== this.generation) return site;
    if (this.cache.size >= MAX_ENTRIES) this.cache.clear();
    this.cache.set(siteKey, { site, at: Date.now() });
    return site;
  }
}
