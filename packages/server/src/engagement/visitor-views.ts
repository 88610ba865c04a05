import { timeOnPageMs, timeOnSiteMs, type VisitorState } from '@beckon/core';
import type { ExposureView } from '../store/exposures-repo.ts';
import type { StoredSession } from '../store/visitors-repo.ts';
import type { JourneyEntry, LiveVisitor } from './live-visitor.ts';
import type { VisitorJourney, VisitorListQuery, VisitorSummary } from './visitor-api-schemas.ts';

const iso = (ms: number) => new Date(ms).toISOString();
const seconds = (ms: number) => Math.round(ms / 100) / 10;

/** What the console shows for an exposure still in memory. */
function outcomeOf(state: VisitorState, e: VisitorState['exposures'][number]): string {
  if (e.control) return 'control';
  if (e.outcome === 'accepted' || e.outcome === 'dismissed' || e.outcome === 'clicked') return e.outcome;
  // Still on the page it was shown on (a chat button stays there without blocking): not ignored yet.
  if (state.pendingExposureId === e.exposureId || e.at >= state.pageStartedAt) return e.outcome ?? 'pending';
  return 'ignored';
}

/**
 * The instant a visitor's clocks (time on page, on site) read: now while they have a socket open,
 * else when they left (their last socket closed, or their last event), so time stops with them.
 */
export function visitorClock(
  now: number,
  connected: boolean,
  state: VisitorState,
  disconnectedAt = 0,
): number {
  return connected ? now : Math.min(now, Math.max(disconnectedAt, state.lastEventAt));
}

/** This visit's latest purchase, if the visitor bought in it. */
function purchaseOf(state: VisitorState): VisitorSummary['purchase'] {
  const p = state.attrs.purchase;
  if (!p || p.at < state.sessionStartedAt) return null;
  const items = p.value.items ?? [];
  return {
    total: p.value.total,
    itemCount: items.reduce((n, i) => n + i.quantity, 0),
    currency: p.value.currency ?? null,
    at: iso(p.at),
  };
}

/** A visitor as the live list shows it (from memory: current page, time on it, cart, source, exposures). */
export function visitorSummary(
  state: VisitorState,
  siteId: string,
  connected: boolean,
  now: number,
): VisitorSummary {
  const page = state.page;
  const m = state.marketing;
  return {
    visitorId: state.visitorId,
    siteId,
    sessionId: state.sessionId,
    connected,
    returning: state.returning,
    device: state.device,
    ...(state.app ? { app: { platform: state.app.platform, version: state.app.version } } : {}),
    geo: state.geo ? { ...state.geo } : null,
    page: page
      ? {
          url: page.url,
          path: page.path,
          ...(page.title ? { title: page.title } : {}),
          sections: page.sections,
        }
      : null,
    timeOnPageSeconds: seconds(timeOnPageMs(state, now)),
    timeOnSiteSeconds: seconds(timeOnSiteMs(state, now)),
    pageViews: state.pageViews,
    cart: state.cart
      ? { total: state.cart.total, itemCount: state.cart.itemCount, currency: state.cart.currency }
      : null,
    source: {
      channel: m.channel,
      ...(m.source ? { source: m.source } : {}),
      ...(m.medium ? { medium: m.medium } : {}),
      ...(m.campaign ? { campaign: m.campaign } : {}),
    },
    score: state.score ?? null,
    scoreTop: state.scoreTop ?? null,
    exposures: state.exposures
      .filter((e) => e.sessionId === state.sessionId)
      .map((e) => ({
        exposureId: e.exposureId,
        campaignId: e.campaignId,
        control: e.control,
        outcome: outcomeOf(state, e),
        at: iso(e.at),
      })),
    lastEventAt: iso(state.lastEventAt),
    purchase: purchaseOf(state),
  };
}

/** True when a live visitor passes the list filters (site, page/section substring, returning, device, cart ≥). */
export function matchesFilter(live: LiveVisitor, q: VisitorListQuery): boolean {
  const s = live.state;
  if (q.siteId !== undefined && live.site.id !== q.siteId) return false;
  if (q.returning !== undefined && s.returning !== q.returning) return false;
  if (q.device !== undefined && s.device !== q.device) return false;
  if (q.cartMin !== undefined && (s.cart?.total ?? 0) < q.cartMin) return false;
  if (q.page !== undefined) {
    const needle = q.page.toLowerCase();
    const p = s.page;
    if (!p) return false;
    const hit =
      p.url.toLowerCase().includes(needle) ||
      (p.title?.toLowerCase().includes(needle) ?? false) ||
      p.sections.some((x) => x.toLowerCase().includes(needle));
    if (!hit) return false;
  }
  return true;
}

/** The session's pages, each lasting until the next; the current one for its visible time so far. */
export function journeyPages(
  pages: readonly JourneyEntry[],
  state: VisitorState,
  now: number,
): VisitorJourney['pages'] {
  return pages.map(({ page, at }, i) => {
    const next = pages[i + 1];
    const ms = next ? next.at - at : timeOnPageMs(state, now);
    return {
      url: page.url,
      ...(page.title ? { title: page.title } : {}),
      sections: page.sections,
      at: iso(at),
      seconds: seconds(Math.max(0, ms)),
    };
  });
}

/** Everything the console's visitor page shows: the summary plus attributes, pages, sessions and exposures. */
export function visitorJourney(
  summary: VisitorSummary,
  state: VisitorState,
  extra: {
    firstSeenAt: number;
    sessionCount: number;
    pages: VisitorJourney['pages'];
    sessions: StoredSession[];
    exposures: ExposureView[];
    campaignNames: Map<string, string>;
    /** Names of the agents who sent manual invitations, by user id. */
    agentNames?: Map<string, string>;
    scoreFactors?: VisitorJourney['scoreFactors'];
  },
): VisitorJourney {
  const { exposures: _live, ...rest } = summary;
  const attributes: VisitorJourney['attributes'] = {};
  for (const [type, entry] of Object.entries(state.attrs)) {
    if (entry) attributes[type] = { value: entry.value, at: iso(entry.at) };
  }
  return {
    ...rest,
    firstSeenAt: iso(extra.firstSeenAt),
    sessionCount: extra.sessionCount,
    attributes,
    cartItems: state.cart?.items ?? [],
    traits: Object.fromEntries(state.traits),
    sectionViews: Object.fromEntries(state.sectionViews),
    events: [...state.events].map(([name, e]) => ({ name, count: e.count, lastAt: iso(e.lastAt) })),
    pages: extra.pages,
    sessions: extra.sessions.map((s) => ({
      id: s.id,
      startedAt: iso(Number(s.started_at)),
      lastEventAt: iso(Number(s.last_event_at)),
      pageViews: Number(s.page_views),
      returning: Number(s.returning) === 1,
      landingUrl: s.landing_url,
      referrer: s.referrer,
      channel: s.channel,
      source: s.source,
    })),
    exposures: extra.exposures.map((x) => ({
      id: x.id,
      campaignId: x.campaignId,
      campaignName: x.campaignId ? (extra.campaignNames.get(x.campaignId) ?? null) : null,
      engagementType: x.engagementType,
      agentId: x.agentId,
      agentName: x.agentId ? (extra.agentNames?.get(x.agentId) ?? null) : null,
      control: x.control,
      outcome: x.outcome,
      createdAt: x.createdAt,
      shownAt: x.shownAt,
      outcomeAt: x.outcomeAt,
    })),
    scoreFactors: extra.scoreFactors ?? [],
  };
}
