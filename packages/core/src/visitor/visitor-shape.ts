import type { AttributeValues, AttrType, CartItem, Device, ExposureOutcome } from '@beckon/protocol';
import type { MarketingSource } from './marketing-source.ts';

// The shape of one visitor's state. The reducers in this folder change it; `visitor-state.ts`
// builds it, applies events to it and re-exports these types.

export interface PageState {
  url: string;
  /** Everything after the host (path, query, hash): what `/checkout*` globs match. */
  path: string;
  title?: string;
  sections: string[];
}

export interface CartState {
  items: CartItem[];
  total: number;
  /** Sum of quantities. */
  itemCount: number;
  currency: string;
}

/** An attribute's latest value, the differing value before it, and when it was last reported. */
export interface AttrEntry<T> {
  value: T;
  prev: T | null;
  at: number;
}
export type AttrEntries = { [K in AttrType]?: AttrEntry<AttributeValues[K]> };

export interface EventEntry {
  /** Times seen this session. */
  count: number;
  /** Last time seen, kept across sessions. */
  lastAt: number;
}

export interface ExposureRecord {
  exposureId: string;
  campaignId: string;
  sessionId: string;
  control: boolean;
  at: number;
  outcome?: ExposureOutcome;
  outcomeAt?: number;
}

/** What frequency caps and the decline rule need to know about one campaign for this visitor. */
export interface CampaignMemory {
  sessionId: string;
  sessionCount: number;
  /** Exposure times within the last 24 hours. */
  recent: number[];
  declinedAt?: number;
  declinedSessionId?: string;
  /** The visitor's arm in a campaign with variants (a variant's key, or `control`); they keep it. */
  arm?: string;
}

/** Targeting's memory of this visitor, owned by the TargetingEngine (reset when its campaigns change). */
export interface TargetingMemory {
  /** The engine version `flags` belong to; any other value makes the engine start over. */
  version: number;
  /** Per running campaign, in engine order: 1 = condition true, 2 = armed (true, awaiting its exposure). */
  flags: Uint8Array;
  /** How many campaigns are armed. */
  armed: number;
  /** The last `nextCheck` answer, reused until something timed changes. */
  nextAt: number;
  dirty: boolean;
}

/** Empty targeting memory: the engine re-evaluates every campaign on its next call. */
export function newTargetingMemory(): TargetingMemory {
  return { version: -1, flags: new Uint8Array(0), armed: 0, nextAt: Number.POSITIVE_INFINITY, dirty: true };
}

/**
 * Where a visitor is, from their address (looked up once per visit, before any address is cut):
 * only these coarse facts are kept. Each is absent when the database does not know it.
 */
export interface VisitorGeo {
  /** ISO 3166-1 alpha-2, upper case (`DE`). */
  country?: string;
  /** The first-level subdivision's name (`Bavaria`). */
  region?: string;
  city?: string;
  /** IANA time zone (`Europe/Berlin`). */
  timezone?: string;
}

/** Everything known now about one visitor; mutated in place by `applyEvent` (hot path). */
/** Predicted uplift by campaign id; undefined for a campaign without one. */
export interface UpliftReader {
  get(campaignId: string): number | undefined;
}

export interface VisitorState {
  visitorId: string;
  sessionId: string;
  returning: boolean;
  device: Device;
  /** The browser's time zone, as the tag reports it. */
  tz?: string;
  /** An app's platform and version, from the SDK's hello (absent on the web). */
  app?: { platform: 'ios' | 'android'; version: string };
  /** Location from the visitor's address; absent when unknown (a private address, no database). */
  geo?: VisitorGeo;
  page: PageState | null;
  pageStartedAt: number;
  visible: boolean;
  /** Start of the current visible stretch (meaningful while `visible`). */
  visibleSince: number;
  /** Visible milliseconds on this page before `visibleSince`. */
  visibleMs: number;
  sessionStartedAt: number;
  lastEventAt: number;
  pageViews: number;
  sectionViews: Map<string, number>;
  cart: CartState | null;
  /** Cart total and item count before the last change (0 when there was no cart). */
  cartPrev: { total: number; itemCount: number };
  /** Recent distinct cart totals, oldest first. */
  cartTotals: number[];
  attrs: AttrEntries;
  events: Map<string, EventEntry>;
  marketing: MarketingSource;
  traits: Map<string, string | number | boolean>;
  /**
   * The contact this visitor is known to be (set by the server once it linked them): only such a
   * visitor can be sent a campaign's message on another channel.
   */
  contactId?: string;
  score: number | undefined;
  /** Share (%) of the site's recent visitors scoring at least as high: 5 means "in the top 5 %". */
  scoreTop: number | undefined;
  /**
   * Predicted uplift (change in purchase probability if engaged) by campaign, for the campaigns
   * that use it and have a trained uplift model; set with the score, so it changes only when the
   * visitor's features do (the server computes a campaign's value when a rule first reads it). Never stored.
   */
  uplift?: UpliftReader;
  exposures: ExposureRecord[];
  campaigns: Map<string, CampaignMemory>;
  /** A shown engagement the visitor has not answered yet on this page; blocks another one. */
  pendingExposureId: string | null;
  targeting: TargetingMemory;
}
