import type { Device, VisitorEvent } from '@beckon/protocol';
import { toWebEvent } from './visitor/app-events.ts';
import { applyAttr } from './visitor/attr-reducer.ts';
import { applyOutcome } from './visitor/exposures.ts';
import { ALL_FIELDS, Field } from './visitor/field-bits.ts';
import { applyPageView, applySections, applyVisibility } from './visitor/page-reducer.ts';
import { newTargetingMemory, type VisitorGeo, type VisitorState } from './visitor/visitor-shape.ts';

export { ALL_FIELDS, attrBit, describeFields, Field } from './visitor/field-bits.ts';
export type { Channel, MarketingSource } from './visitor/marketing-source.ts';
export { pathOf } from './visitor/page-reducer.ts';
export type {
  AttrEntries,
  AttrEntry,
  CampaignMemory,
  CartState,
  EventEntry,
  ExposureRecord,
  PageState,
  TargetingMemory,
  UpliftReader,
  VisitorGeo,
  VisitorState,
} from './visitor/visitor-shape.ts';
export { newTargetingMemory } from './visitor/visitor-shape.ts';

/** Caps that keep one visitor's state bounded whatever its tag sends. */
export const STATE_LIMITS = { eventNames: 200, traits: 64 } as const;

export interface VisitorInit {
  visitorId: string;
  sessionId: string;
  returning: boolean;
  device: Device;
  tz?: string;
}

/** A fresh state for a visitor the tracker has just met (or restored without history). */
export function createVisitorState(init: VisitorInit, now: number): VisitorState {
  const state: VisitorState = {
    visitorId: init.visitorId,
    sessionId: init.sessionId,
    returning: init.returning,
    device: init.device,
    page: null,
    pageStartedAt: now,
    visible: true,
    visibleSince: now,
    visibleMs: 0,
    sessionStartedAt: now,
    lastEventAt: now,
    pageViews: 0,
    sectionViews: new Map(),
    cart: null,
    cartPrev: { total: 0, itemCount: 0 },
    cartTotals: [],
    attrs: {},
    events: new Map(),
    marketing: { channel: 'direct' },
    traits: new Map(),
    score: undefined,
    scoreTop: undefined,
    exposures: [],
    campaigns: new Map(),
    pendingExposureId: null,
    targeting: newTargetingMemory(),
  };
  if (init.tz !== undefined) state.tz = init.tz;
  return state;
}

/** Starts a new session for a known visitor (returning from now on); returns ALL_FIELDS. */
export function startSession(state: VisitorState, sessionId: string, now: number): number {
  state.sessionId = sessionId;
  state.returning = true;
  state.sessionStartedAt = now;
  state.lastEventAt = now;
  state.page = null;
  state.pageStartedAt = now;
  state.visible = true;
  state.visibleSince = now;
  state.visibleMs = 0;
  state.pageViews = 0;
  state.sectionViews.clear();
  for (const e of state.events.values()) e.count = 0;
  state.marketing = { channel: 'direct' };
  // The score is this visit's chance of a purchase: unknown again until the new visit's first page.
  state.score = undefined;
  state.scoreTop = undefined;
  state.pendingExposureId = null;
  state.targeting = newTargetingMemory();
  return ALL_FIELDS;
}

/** Visible time on the current page, in ms: only counts while the tab is visible. */
export function timeOnPageMs(state: VisitorState, now: number): number {
  if (state.page === null) return 0;
  return state.visible && now > state.visibleSince
    ? state.visibleMs + now - state.visibleSince
    : state.visibleMs;
}

/** Wall-clock time since the session started, in ms. */
export function timeOnSiteMs(state: VisitorState, now: number): number {
  return now > state.sessionStartedAt ? now - state.sessionStartedAt : 0;
}

/** Marks the visitor as a known contact; returns Field.Traits when that changed (targeting re-tests). */
export function linkContact(state: VisitorState, contactId: string): number {
  if (state.contactId === contactId) return 0;
  state.contactId = contactId;
  return Field.Traits;
}

/** Sets where the visitor is (null: unknown); returns Field.Visitor when that changed. */
export function setGeo(state: VisitorState, geo: VisitorGeo | null): number {
  const was = state.geo;
  if (
    was?.country === geo?.country &&
    was?.region === geo?.region &&
    was?.city === geo?.city &&
    was?.timezone === geo?.timezone
  )
    return 0;
  if (geo) state.geo = geo;
  else delete state.geo;
  return Field.Visitor;
}

/** Sets the purchase-propensity score (and its rank among the site's visitors); returns Field.Score when either changed. */
export function setScore(state: VisitorState, score: number | undefined, top?: number): number {
  if (state.score === score && state.scoreTop === top) return 0;
  state.score = score;
  state.scoreTop = top;
  return Field.Score;
}

/**
 * Applies one tag event to the state at server time `now` (the event's own `ts` is the
 * client's clock and is not trusted for timing). Returns the Field bits it changed.
 */
export function applyEvent(state: VisitorState, event: VisitorEvent, now: number): number {
  state.lastEventAt = now;
  switch (event.type) {
    case 'page_view':
      return applyPageView(state, event, now);
    case 'event': {
      const e = state.events.get(event.name);
      if (e) {
        e.count++;
        e.lastAt = now;
      } else if (state.events.size < STATE_LIMITS.eventNames) {
        state.events.set(event.name, { count: 1, lastAt: now });
      } else return 0;
      return Field.Event;
    }
    case 'attr':
      return applyAttr(state, event.attrType, event.value, now);
    case 'identify': {
      for (const [k, v] of Object.entries(event.traits)) {
        if (state.traits.has(k) || state.traits.size < STATE_LIMITS.traits) state.traits.set(k, v);
      }
      return Field.Traits;
    }
    case 'section':
      return applySections(state, event.sections);
    case 'visibility':
      return applyVisibility(state, event.visible, now);
    case 'exposure_outcome':
      return applyOutcome(state, event.exposureId, event.outcome, now);
    case 'screen':
    case 'app_state':
      return applyEvent(state, toWebEvent(event, state.app?.platform ?? 'app'), now);
  }
}
