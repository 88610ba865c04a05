import { fromSnapshot, pathOf, toSnapshot, type VisitorSnapshot, type VisitorState } from '@beckon/core';
import type { StoredVisitor, VisitorRow, VisitorSessionRow } from '../store/visitors-repo.ts';
import { type JourneyEntry, type LiveVisitor, recentBatches } from './live-visitor.ts';

/** What the `visitors.state` column holds: the core snapshot plus the tracker's own memory. */
interface StoredPage {
  url: string;
  title?: string;
  sections: string[];
  at: number;
}

interface StoredState {
  v: 1;
  snapshot: VisitorSnapshot;
  batchIds: string[];
  pages?: StoredPage[];
  landingUrl: string | null;
  referrer: string | null;
}

/** What a returning visitor brings back from the store. */
export interface RestoredVisitor {
  state: VisitorState;
  batchIds: string[];
  pages: JourneyEntry[];
  landingUrl: string | null;
  referrer: string | null;
  sessionCount: number;
  firstSeenAt: number;
}

/** What the rows are made of: a live visitor, or one the demo's history simulates. */
export type RecordedVisitor = Pick<
  LiveVisitor,
  | 'visitorId'
  | 'state'
  | 'batchIds'
  | 'batchNext'
  | 'pages'
  | 'landingUrl'
  | 'referrer'
  | 'sessionCount'
  | 'firstSeenAt'
> & { site: Pick<LiveVisitor['site'], 'id' | 'accountId'> };

/** The visitor row for the writer (a snapshot of the live state, so it can be restored later). */
export function visitorRow(live: RecordedVisitor): VisitorRow {
  const stored: StoredState = {
    v: 1,
    snapshot: toSnapshot(live.state),
    batchIds: recentBatches(live),
    pages: live.pages.map(({ page, at }) => ({
      url: page.url,
      ...(page.title !== undefined ? { title: page.title } : {}),
      sections: page.sections,
      at,
    })),
    landingUrl: live.landingUrl,
    referrer: live.referrer,
  };
  return {
    site_id: live.site.id,
    id: live.visitorId,
    account_id: live.site.accountId,
    first_seen_at: live.firstSeenAt,
    last_seen_at: live.state.lastEventAt,
    session_count: live.sessionCount,
    device: live.state.device,
    state: JSON.stringify(stored),
  };
}

/** The current session's row for the writer. */
export function sessionRow(live: RecordedVisitor): VisitorSessionRow {
  const s = live.state;
  return {
    id: s.sessionId,
    account_id: live.site.accountId,
    site_id: live.site.id,
    visitor_id: live.visitorId,
    returning: s.returning ? 1 : 0,
    device: s.device,
    landing_url: live.landingUrl,
    referrer: live.referrer,
    channel: s.marketing.channel,
    source: s.marketing.source ?? null,
    page_views: s.pageViews,
    started_at: s.sessionStartedAt,
    last_event_at: s.lastEventAt,
    country: s.geo?.country ?? null,
    region: s.geo?.region ?? null,
    city: s.geo?.city ?? null,
    time_zone: s.geo?.timezone ?? null,
  };
}

/** Rebuilds a visitor from its stored row; null when the snapshot is missing or from an unknown format. */
export function restoreVisitor(stored: StoredVisitor): RestoredVisitor | null {
  const s = stored.state as Partial<StoredState> | null;
  if (s?.v !== 1 || s.snapshot?.v !== 1) return null;
  try {
    const state = fromSnapshot(s.snapshot);
    return {
      state,
      batchIds: Array.isArray(s.batchIds) ? s.batchIds.filter((b) => typeof b === 'string') : [],
      pages: restorePages(s.pages, state),
      landingUrl: s.landingUrl ?? null,
      referrer: s.referrer ?? null,
      sessionCount: stored.sessionCount,
      firstSeenAt: stored.firstSeenAt,
    };
  } catch {
    return null;
  }
}

/** The stored journey as live entries; the last one shares the state's current page object again. */
function restorePages(pages: StoredPage[] | undefined, state: VisitorState): JourneyEntry[] {
  if (!Array.isArray(pages)) return [];
  const out: JourneyEntry[] = pages.map((p) => ({
    page: {
      url: p.url,
      path: pathOf(p.url),
      ...(p.title !== undefined ? { title: p.title } : {}),
      sections: p.sections ?? [],
    },
    at: p.at,
  }));
  const last = out.at(-1);
  if (last && state.page && last.page.url === state.page.url) last.page = state.page;
  return out;
}
