import { channelCode, deviceCode, LF, LIVE_FEATURE_COUNT, UCI_RATE_SCALE } from './live-features.ts';
import { NO_KIND } from './page-kinds.ts';
import type { PageRates, PageStats } from './page-stats.ts';

/** Most page keys a session remembers for the statistics (the journey keeps as many). */
export const MAX_SESSION_PAGES = 100;

/** What is fixed for the whole session: from its start time in the site's time zone. */
export interface SessionCalendar {
  month: number;
  weekend: boolean;
  specialDay: number;
}

const COUNT = [LF.Administrative, LF.Informational, LF.ProductRelated] as const;
const DURATION = [LF.Administrative_Duration, LF.Informational_Duration, LF.ProductRelated_Duration] as const;

/**
 * One session's live feature vector and what it takes to keep it current in O(1) per event: the
 * open page (its kind and start, since a page's time is known when the next one begins, as in web
 * analytics), running sums of the visited pages' rates, and, once the visitor buys, the vector as it
 * was just before the purchase (what a model must learn to predict, not to recognise).
 */
export class SessionFeatures {
  readonly vector = new Float64Array(LIVE_FEATURE_COUNT);
  sessionId = '';
  /** Page views of the session seen so far (the state's counter). */
  pageViews = 0;
  /** Page keys in order (the first MAX_SESSION_PAGES). */
  pages: string[] = [];
  openKind = NO_KIND;
  openAt = 0;
  /** The open page's label list, to notice labels applied after the page view. */
  openSections: readonly string[] | null = null;
  /** Pages whose rates are in the sums below. */
  ratedPages = 0;
  bounceSum = 0;
  exitSum = 0;
  valueSum = 0;
  /** The vector just before the first purchase; null until then. */
  beforePurchase: Float64Array | null = null;
  pagesBeforePurchase = 0;
  revenue = 0;
  startedAt = 0;
  lastEventAt = 0;
  /** Set when the vector changed since the last score. */
  dirty = true;
  /** Longest time one page can count for (a session ends after this much inactivity anyway). */
  maxPageMs = 30 * 60_000;
  private readonly rates: PageRates = { bounce: 0, exit: 0, value: 0 };

  /** Starts a new session: counts and sums cleared, the session's calendar set. */
  reset(sessionId: string, startedAt: number, calendar: SessionCalendar): void {
    const v = this.vector;
    v.fill(0);
    v[LF.SpecialDay] = calendar.specialDay;
    v[LF.Month] = calendar.month;
    v[LF.Weekend] = calendar.weekend ? 1 : 0;
    v[LF.BounceRates] = Number.NaN;
    v[LF.ExitRates] = Number.NaN;
    this.sessionId = sessionId;
    this.pageViews = 0;
    this.pages = [];
    this.openKind = NO_KIND;
    this.openAt = startedAt;
    this.openSections = null;
    this.ratedPages = 0;
    this.bounceSum = 0;
    this.exitSum = 0;
    this.valueSum = 0;
    this.beforePurchase = null;
    this.pagesBeforePurchase = 0;
    this.revenue = 0;
    this.startedAt = startedAt;
    this.lastEventAt = startedAt;
    this.dirty = true;
  }

  /** Who the visitor is and where they came from (may change during a session). */
  setVisitor(returning: boolean, device: string, channel: string): void {
    const v = this.vector;
    const r = returning ? 1 : 0;
    const d = deviceCode(device);
    const c = channelCode(channel);
    if (v[LF.VisitorType] !== r || v[LF.Device] !== d || v[LF.TrafficSource] !== c) {
      v[LF.VisitorType] = r;
      v[LF.Device] = d;
      v[LF.TrafficSource] = c;
      this.dirty = true;
    }
  }

  /** A new page at `at`: the open page's time is added to its kind, and the new page is counted and rated. */
  addPage(key: string, kind: number, sections: readonly string[], at: number, stats: PageStats | null): void {
    const v = this.vector;
    this.closeOpenPage(at);
    this.pageViews++;
    if (this.pages.length < MAX_SESSION_PAGES) this.pages.push(key);
    if (kind !== NO_KIND) v[COUNT[kind]!]++;
    this.openKind = kind;
    this.openAt = at;
    this.openSections = sections;
    if (stats !== null) {
      const r = stats.rates(key, this.rates);
      this.ratedPages++;
      this.bounceSum += r.bounce;
      this.exitSum += r.exit;
      this.valueSum += r.value;
      v[LF.BounceRates] = (this.bounceSum / this.ratedPages) * UCI_RATE_SCALE;
      v[LF.ExitRates] = (this.exitSum / this.ratedPages) * UCI_RATE_SCALE;
      v[LF.PageValues] = this.valueSum / this.ratedPages;
    }
    this.dirty = true;
  }

  /** The open page was labelled again (a single-page app labels after load): move its count to the new kind. */
  relabel(kind: number, sections: readonly string[]): void {
    this.openSections = sections;
    if (kind === this.openKind) return;
    const v = this.vector;
    if (this.openKind !== NO_KIND) v[COUNT[this.openKind]!]--;
    if (kind !== NO_KIND) v[COUNT[kind]!]++;
    this.openKind = kind;
    this.dirty = true;
  }

  private closeOpenPage(at: number): void {
    if (this.openKind === NO_KIND || this.pageViews === 0) return;
    const ms = Math.min(Math.max(0, at - this.openAt), this.maxPageMs);
    this.vector[DURATION[this.openKind]!] += ms / 1000;
  }

  /** Sets a feature that is a plain number (cart value, counts…); marks the vector changed when it did. */
  set(index: number, value: number): void {
    if (this.vector[index] !== value) {
      this.vector[index] = value;
      this.dirty = true;
    }
  }

  /** Adds to a counting feature. */
  bump(index: number, by = 1): void {
    this.vector[index] += by;
    this.dirty = true;
  }

  /** A purchase: the first one freezes the vector as it stood before it; every one adds revenue. */
  purchase(total: number): void {
    if (this.beforePurchase === null) {
      this.beforePurchase = this.vector.slice();
      this.pagesBeforePurchase = this.pages.length;
    }
    this.revenue += total;
  }

  /** The row a finished session leaves for training: the vector before the purchase, or the final one. */
  trainingVector(): Float64Array {
    return this.beforePurchase ?? this.vector;
  }
}
