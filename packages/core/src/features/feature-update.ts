import type { VisitorEvent } from '@beckon/protocol';
import type { PageState, VisitorState } from '../visitor-state.ts';
import { LF } from './live-features.ts';
import { pageKindOf, type SectionKinds } from './page-kinds.ts';
import { type PageStats, pageKey } from './page-stats.ts';
import type { SessionCalendar, SessionFeatures } from './session-features.ts';

/** A page of the session as the tracker's journey keeps it: the state's page object and when it was viewed. */
export interface VisitedPage {
  page: PageState;
  at: number;
}

/** What a site contributes to its visitors' features. */
export interface FeatureEnv {
  stats: PageStats;
  kinds: SectionKinds;
  /** Page keys by path, so a page seen before costs a lookup instead of string work (optional). */
  keys?: Map<string, string>;
}

/** Most paths a site's key cache holds before it starts over. */
const MAX_CACHED_KEYS = 10_000;

function keyOf(env: FeatureEnv, path: string): string {
  const cache = env.keys;
  if (cache === undefined) return pageKey(path);
  let key = cache.get(path);
  if (key === undefined) {
    key = pageKey(path);
    if (cache.size >= MAX_CACHED_KEYS) cache.clear();
    cache.set(path, key);
  }
  return key;
}

/**
 * Brings a session's features up to date after one batch of events has been applied to the state.
 * `journey` is the session's pages in order, the batch's page views at its end. Walks the batch once,
 * in order, so a purchase freezes the vector exactly as it stood before it. Returns true when the
 * vector changed (only then is a new score worth computing).
 */
export function applyBatchToFeatures(
  f: SessionFeatures,
  state: VisitorState,
  journey: readonly VisitedPage[],
  events: readonly VisitorEvent[],
  env: FeatureEnv,
  now: number,
): boolean {
  let pageViews = 0;
  for (let i = 0; i < events.length; i++) if (events[i]!.type === 'page_view') pageViews++;
  let next = Math.max(0, journey.length - pageViews);
  for (let i = 0; i < events.length; i++) {
    const ev = events[i]!;
    switch (ev.type) {
      case 'page_view': {
        const entry = journey[next++];
        if (entry) addVisited(f, entry, env);
        break;
      }
      case 'event':
        f.bump(LF.CustomEvents);
        break;
      case 'attr':
        applyAttribute(f, ev.attrType, ev.value);
        break;
      default:
        break;
    }
  }
  const page = state.page;
  if (page !== null && f.pageViews > 0 && f.openSections !== page.sections) {
    f.relabel(pageKindOf(page.sections, env.kinds), page.sections);
  }
  f.setVisitor(state.returning, state.device, state.marketing.channel);
  f.lastEventAt = now;
  return f.dirty;
}

function addVisited(f: SessionFeatures, entry: VisitedPage, env: FeatureEnv): void {
  const sections = entry.page.sections;
  f.addPage(keyOf(env, entry.page.path), pageKindOf(sections, env.kinds), sections, entry.at, env.stats);
}

function applyAttribute(f: SessionFeatures, type: string, value: unknown): void {
  switch (type) {
    case 'cart': {
      const cart = value as { items: { quantity: number }[]; total: number };
      let items = 0;
      for (const item of cart.items) items += item.quantity;
      f.set(LF.CartValue, cart.total);
      f.set(LF.CartItems, items);
      break;
    }
    case 'purchase':
      f.purchase((value as { total: number }).total);
      break;
    case 'product_view':
      f.bump(LF.ProductViews);
      break;
    case 'search':
      f.bump(LF.Searches);
      break;
    case 'customer':
      f.set(LF.Customer, 1);
      break;
    default:
      break;
  }
}

/**
 * Rebuilds a session's features from what the state and journey still hold — for a visitor restored
 * from the store, whose per-event history is gone: pages are replayed (the vector is frozen before the
 * first page after a purchase), the cart and attributes are read from their latest values.
 */
export function rebuildFeatures(
  f: SessionFeatures,
  state: VisitorState,
  journey: readonly VisitedPage[],
  env: FeatureEnv,
  calendar: SessionCalendar,
): void {
  f.reset(state.sessionId, state.sessionStartedAt, calendar);
  const inSession = (at: number | undefined) => at !== undefined && at >= state.sessionStartedAt;
  const purchase = state.attrs.purchase;
  const purchasedAt = inSession(purchase?.at) ? purchase!.at : Number.POSITIVE_INFINITY;
  if (state.cart) {
    f.set(LF.CartValue, state.cart.total);
    f.set(LF.CartItems, state.cart.itemCount);
  }
  if (inSession(state.attrs.product_view?.at)) f.set(LF.ProductViews, 1);
  if (inSession(state.attrs.search?.at)) f.set(LF.Searches, 1);
  if (state.attrs.customer) f.set(LF.Customer, 1);
  let custom = 0;
  for (const e of state.events.values()) custom += e.count;
  f.set(LF.CustomEvents, custom);
  f.setVisitor(state.returning, state.device, state.marketing.channel);
  for (const entry of journey) {
    if (entry.at > purchasedAt && f.beforePurchase === null) f.purchase(purchase!.value.total);
    addVisited(f, entry, env);
  }
  if (purchasedAt !== Number.POSITIVE_INFINITY && f.beforePurchase === null)
    f.purchase(purchase!.value.total);
  const page = state.page;
  if (page !== null && f.pageViews > 0 && f.openSections !== page.sections) {
    f.relabel(pageKindOf(page.sections, env.kinds), page.sections);
  }
  f.lastEventAt = state.lastEventAt;
}
