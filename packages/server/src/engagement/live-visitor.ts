import type { PageState, VisitorState } from '@beckon/core';
import type { TokenBucket } from './rate-limiter.ts';
import type { SiteInfo } from './site-directory.ts';

/** The smallest socket surface the gateway needs (the `ws` WebSocket fits; benchmarks may pass a fake). */
export interface WebSocketLike {
  readonly readyState: number;
  send(data: string): void;
  close(code?: number, reason?: string): void;
}

/** Somewhere engage frames can be delivered: an open visitor socket. */
export interface VisitorChannel {
  send(text: string): void;
  readonly open: boolean;
}

/** How many recent batch ids a visitor remembers, so a retried batch is acknowledged but not applied twice. */
export const BATCH_MEMORY = 64;

/** How many of the session's pages a visitor's journey keeps. */
export const JOURNEY_PAGES = 100;

/** A page of the session's journey (the page object is the state's own, so later section labels show). */
export interface JourneyEntry {
  page: PageState;
  at: number;
}

/** One visitor held in memory by the tracker: its state plus what the server needs around it. */
export interface LiveVisitor {
  readonly key: string;
  readonly site: SiteInfo;
  readonly visitorId: string;
  state: VisitorState;
  /** Open sockets (one per tab); engage frames go to the one that reported the latest page. */
  channels: Set<VisitorChannel>;
  last: VisitorChannel | null;
  /** Recent batch ids, a ring whose oldest entry is at `batchNext` (and as a set for lookups). */
  batchIds: string[];
  batchNext: number;
  batchSet: Set<string>;
  frames: TokenBucket;
  /** The current session must end at this instant (midnight in the site's time zone). */
  sessionEndsAt: number;
  sessionCount: number;
  firstSeenAt: number;
  /** The session's pages in order (the most recent JOURNEY_PAGES). */
  pages: JourneyEntry[];
  /** The session's first page and its referrer (for the session row). */
  landingUrl: string | null;
  referrer: string | null;
  /** Last time the visitor and session rows were handed to the writer. */
  persistedAt: number;
  /** When the last socket closed (0 while connected). */
  disconnectedAt: number;
  /** The time-check slot this visitor sits in (0 when none). */
  timerSlot: number;
}

/** Remembers a batch id; false when it was already seen (a retry). The ids are a ring: nothing shifts. */
export function rememberBatch(live: LiveVisitor, id: string): boolean {
  if (live.batchSet.has(id)) return false;
  live.batchSet.add(id);
  const ids = live.batchIds;
  if (ids.length < BATCH_MEMORY) ids.push(id);
  else {
    live.batchSet.delete(ids[live.batchNext]!);
    ids[live.batchNext] = id;
    live.batchNext = (live.batchNext + 1) % BATCH_MEMORY;
  }
  return true;
}

/** The remembered batch ids, oldest first (for the stored snapshot). */
export function recentBatches(live: Pick<LiveVisitor, 'batchIds' | 'batchNext'>): string[] {
  const ids = live.batchIds;
  return live.batchNext === 0 ? ids : [...ids.slice(live.batchNext), ...ids.slice(0, live.batchNext)];
}

/** Adds the state's current page to the journey. */
export function rememberPage(live: LiveVisitor, now: number): void {
  const page = live.state.page;
  if (page === null) return;
  live.pages.push({ page, at: now });
  if (live.pages.length > JOURNEY_PAGES) live.pages.shift();
}

/** The site-and-visitor key of the tracker's maps. */
export const visitorKey = (siteId: string, visitorId: string): string => `${siteId}\u0000${visitorId}`;

/** A visitor the tracker has just met or restored, with no socket, journey or batches yet. */
export function newLiveVisitor(
  site: SiteInfo,
  visitorId: string,
  state: VisitorState,
  frames: TokenBucket,
  now: number,
): LiveVisitor {
  return {
    key: visitorKey(site.id, visitorId),
    site,
    visitorId,
    state,
    channels: new Set(),
    last: null,
    batchIds: [],
    batchNext: 0,
    batchSet: new Set(),
    frames,
    sessionEndsAt: Number.POSITIVE_INFINITY,
    sessionCount: 1,
    firstSeenAt: now,
    pages: [],
    landingUrl: null,
    referrer: null,
    persistedAt: 0,
    disconnectedAt: 0,
    timerSlot: 0,
  };
}
