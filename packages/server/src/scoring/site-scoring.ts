import {
  calendarOf,
  compileSectionKinds,
  DEFAULT_KINDS,
  DEFAULT_SPECIAL_DAYS,
  type FeatureEnv,
  PageStats,
  ScoreHistogram,
  type SectionKinds,
  type SessionCalendar,
  type SessionPages,
  type SpecialDay,
  specialDayProximity,
} from '@beckon/core/features/index';
import type { SiteModelSettings } from '@beckon/protocol/model-api';
import { zoneOffsetMs } from '../engagement/session-clock.ts';
import type { SiteInfo } from '../engagement/site-directory.ts';
import type { Logger } from '../logger.ts';
import type { Store } from '../store/store.ts';
import type { ScoringConfig } from './scoring-config.ts';

const DAY_MS = 86_400_000;

/** What one site contributes to scoring: page statistics, section kinds, calendar, and the score ranks. */
export class SiteScoring implements FeatureEnv {
  stats = new PageStats();
  kinds: SectionKinds = DEFAULT_KINDS;
  specialDays: readonly SpecialDay[] = DEFAULT_SPECIAL_DAYS;
  readonly histogram: ScoreHistogram;
  readonly keys = new Map<string, string>();
  /** When the statistics were last read from the store (0: never). */
  loadedAt = 0;
  loading: Promise<void> | null = null;
  /** Time-zone offset per UTC day (NaN on a day the offset changes), and calendars per local day. */
  private readonly offsets = new Map<number, number>();
  private readonly calendars = new Map<number, SessionCalendar>();
  private calendarDays: readonly SpecialDay[] = DEFAULT_SPECIAL_DAYS;
  /** Sessions finished while a load is reading the store: applied again to what it read. */
  finishedDuringLoad: SessionPages[] | null = null;

  constructor(
    readonly site: SiteInfo,
    rankWindowMs: number,
    now: number,
  ) {
    this.histogram = new ScoreHistogram(1000, rankWindowMs, now);
  }

  /**
   * Month, weekend and special-day proximity at `t` in the site's time zone. Offsets and calendars
   * are cached by day, since formatting a date in a time zone costs microseconds and sessions start often.
   */
  calendarOf(t: number): SessionCalendar {
    const day = Math.floor(t / DAY_MS);
    let offset = this.offsets.get(day);
    if (offset === undefined) {
      const tz = this.site.timeZone;
      const first = zoneOffsetMs(tz, day * DAY_MS);
      offset = first === zoneOffsetMs(tz, day * DAY_MS + DAY_MS - 1) ? first : Number.NaN;
      if (this.offsets.size >= 1000) this.offsets.clear();
      this.offsets.set(day, offset);
    }
    const local = t + (Number.isNaN(offset) ? zoneOffsetMs(this.site.timeZone, t) : offset);
    const localDay = Math.floor(local / DAY_MS);
    if (this.calendarDays !== this.specialDays) {
      this.calendars.clear();
      this.calendarDays = this.specialDays;
    }
    let calendar = this.calendars.get(localDay);
    if (calendar === undefined) {
      const { month, weekend } = calendarOf(local);
      calendar = { month, weekend, specialDay: specialDayProximity(local, this.specialDays) };
      if (this.calendars.size >= 1000) this.calendars.clear();
      this.calendars.set(localDay, calendar);
    }
    return calendar;
  }

  /** Counts a session this node finished (the store gets it too, through the recorder). */
  addSession(pages: SessionPages): void {
    this.stats.addSession(pages);
    this.finishedDuringLoad?.push(pages);
  }

  /** Applies a site's settings (section kinds and calendar). */
  applySettings(s: SiteModelSettings): void {
    this.kinds = compileSectionKinds(s.sectionKinds, s.unlabelled);
    this.specialDays = s.specialDays ?? DEFAULT_SPECIAL_DAYS;
  }
}

/**
 * The scoring side of every site this node serves. `get` never waits: a site seen for the first time
 * starts with empty statistics and the default settings while its own load from the store.
 */
export class SiteScoringRegistry {
  private readonly sites = new Map<string, SiteScoring>();

  constructor(
    private readonly store: Store,
    private readonly config: ScoringConfig,
    private readonly log: Logger,
    /** Writes finished sessions still in memory, so a reload reads them back. */
    private readonly beforeReload: () => Promise<void>,
  ) {}

  get(site: SiteInfo, now: number): SiteScoring {
    let s = this.sites.get(site.id);
    if (!s) {
      s = new SiteScoring(site, this.config.rankWindowMs, now);
      this.sites.set(site.id, s);
      void this.load(s);
    }
    return s;
  }

  /** The site's scoring once its statistics and settings are loaded (tests, the API). */
  async ready(site: SiteInfo): Promise<SiteScoring> {
    const s = this.get(site, Date.now());
    await s.loading;
    return s;
  }

  /** Re-reads statistics older than the reload interval (other nodes' sessions, days leaving the window). */
  async refresh(now: number): Promise<void> {
    for (const s of this.sites.values()) {
      if (s.loading === null && now - s.loadedAt >= this.config.statsReloadMs) await this.load(s);
    }
  }

  /** Re-reads every site's statistics and settings now (tests, and after a bulk import). */
  async reloadAll(): Promise<void> {
    for (const s of this.sites.values()) {
      await s.loading;
      await this.load(s);
    }
  }

  /** Applies new settings to a site now (after the API saved them). */
  settingsChanged(siteId: string, settings: SiteModelSettings): void {
    this.sites.get(siteId)?.applySettings(settings);
  }

  private load(s: SiteScoring): Promise<void> {
    s.loading ??= (async () => {
      try {
        await this.beforeReload();
        // From here on, sessions this node finishes may miss what the store returns: keep them aside.
        s.finishedDuringLoad = [];
        const since = Math.floor(Date.now() / DAY_MS) - this.config.statsWindowDays;
        const [rows, settings] = await Promise.all([
          this.store.modelSessions.pageStats(s.site.id, since),
          this.store.modelSettings.get(s.site.id),
        ]);
        const stats = new PageStats();
        for (const r of rows) stats.add(r.page, r);
        // Sessions finished after the flush above are not in what was read.
        for (const pages of s.finishedDuringLoad?.splice(0) ?? []) stats.addSession(pages);
        s.stats = stats;
        s.applySettings(settings);
      } catch (err) {
        this.log.error({ err, siteId: s.site.id }, 'page statistics load failed');
      } finally {
        s.finishedDuringLoad = null;
        s.loadedAt = Date.now();
        s.loading = null;
      }
    })();
    return s.loading;
  }
}
