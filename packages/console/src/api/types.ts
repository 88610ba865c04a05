/** Shapes returned by the Beckon REST API (/api/v1), as the console uses them. */
import type { Campaign } from '@beckon/protocol/campaign';
import type { ScoreFactor } from '@beckon/protocol/model-api';
import type { SiteWidgetLanguage } from '@beckon/protocol/widget-languages';

export type Role = 'owner' | 'admin' | 'agent' | 'analyst';
export type AgentStatus = 'online' | 'away' | 'offline';

export interface Account {
  id: string;
  name: string;
}

export interface User {
  id: string;
  email: string;
  name: string;
  role: Role;
  skillIds: string[];
  capacity: number;
  status: AgentStatus;
  /** With `status: away`: the reason the agent picked. */
  awayReason?: string;
  createdAt: string;
}

export interface Session {
  user: User;
  account: Account;
  csrfToken: string;
  /** Two-factor sign-in: on for this user, required by the account, still to set up. */
  twoFactor: { enabled: boolean; required: boolean; setupRequired: boolean };
  /** The console's language the user chose, on any browser; null: their browser's. */
  consoleLanguage: 'en' | 'de' | 'es' | null;
  /** The language they read customers in (live translation); null: the console's. */
  readingLanguage?: string | null;
}

export interface Site {
  id: string;
  name: string;
  siteKey: string;
  allowedOrigins: string[];
  timeZone: string;
  anonymizeIp: boolean;
  /** Calls on this site are recorded; both sides are told. */
  recordCalls: boolean;
  /** `auto` (the page's language, then the browser's) or the language the widget always speaks. */
  widgetLanguage: SiteWidgetLanguage;
  snippet: string;
  createdAt: string;
}

export interface Skill {
  id: string;
  name: string;
  maxWaitSeconds: number;
  offerTimeoutSeconds: number;
  transferSkillIds: string[];
  /** When its agents work, in its time zone; null: always open. */
  hours: BusinessHours | null;
  /** The bot its new conversations are offered to first; null: straight to people. */
  botId?: string | null;
  /** First-response and resolution targets per priority band; null: none. */
  sla?: SlaTargets | null;
  createdAt: string;
}

export type { BusinessHours } from '@beckon/protocol/api';
export type { SlaTargets } from '@beckon/protocol/sla-api';

import type { BusinessHours } from '@beckon/protocol/api';
import type { SlaTargets } from '@beckon/protocol/sla-api';

export interface ApiKey {
  id: string;
  name: string;
  prefix: string;
  createdAt: string;
  lastUsedAt: string | null;
}

/** Returned once, on creation: the only time the full key is visible. */
export interface CreatedApiKey extends ApiKey {
  key: string;
}

export interface List<T> {
  items: T[];
}

/* ——— Campaigns: the shapes are owned by @beckon/protocol (type-only imports, nothing reaches the bundle) ——— */

export type {
  AfterDecline,
  AnyEngagementVariant,
  Campaign,
  CampaignGoal,
  CampaignInput,
  CampaignStatus,
  ChatButton,
  ChatInvitation,
  Condition,
  ConditionOp,
  ConditionValue,
  ContentOffer,
  Engagement,
  Frequency,
  LeafCondition,
  RegexValue,
  Schedule,
} from '@beckon/protocol/campaign';

/** A stored campaign as GET /api/v1/campaigns returns it. */
export interface CampaignRecord extends Campaign {
  version?: number;
  createdAt?: string;
  updatedAt?: string;
}

/* ——— Live visitors (mirrors packages/server/src/engagement/visitor-api-schemas.ts) ——— */

export type Device = 'desktop' | 'tablet' | 'mobile' | 'other';

export interface VisitorPage {
  url: string;
  path: string;
  title?: string;
  sections: string[];
}

export interface VisitorCart {
  total: number;
  itemCount: number;
  currency: string;
}

export interface MarketingSource {
  channel: string;
  source?: string;
  medium?: string;
  campaign?: string;
}

/** An exposure of the current session, as the live list carries it. */
export interface VisitorExposure {
  exposureId: string;
  /** 'manual' for an agent's invitation. */
  campaignId: string;
  control: boolean;
  /** pending, shown, accepted, dismissed, clicked, ignored, or control. */
  outcome: string;
  at: string;
}

/** A visitor's country (ISO 3166-1 alpha-2), region, city and time zone, each when known. */
export interface VisitorGeo {
  country?: string;
  region?: string;
  city?: string;
  timezone?: string;
}

/** One visitor on a site now (GET /api/v1/visitors). */
export interface VisitorSummary {
  visitorId: string;
  siteId: string;
  sessionId: string;
  /** A tag connection is open now. */
  connected: boolean;
  returning: boolean;
  device: Device | string;
  /** An app session: the app's platform and version (absent on the web). */
  app?: { platform: 'ios' | 'android'; version: string };
  /** Where the visitor is, from their address (IP geolocation by DB-IP); null when unknown. */
  geo: VisitorGeo | null;
  page: VisitorPage | null;
  timeOnPageSeconds: number;
  timeOnSiteSeconds: number;
  pageViews: number;
  cart: VisitorCart | null;
  source: MarketingSource;
  score: number | null;
  /** Share (%) of the site's recent visitors scoring at least as high. */
  scoreTop: number | null;
  exposures: VisitorExposure[];
  lastEventAt: string;
  /** A conversation not yet resolved: waiting for an agent, or with one (the live list only). */
  chat?: 'waiting' | 'active' | null;
  /** This visit's latest purchase: the cart it emptied. */
  purchase: { total: number; itemCount: number; currency: string | null; at: string } | null;
}

export interface VisitorList {
  items: VisitorSummary[];
  total: number;
}

export interface JourneyPage {
  url: string;
  title?: string;
  sections: string[];
  at: string;
  /** Until the next page; for the current page, visible time so far. */
  seconds: number;
}

export interface JourneySession {
  id: string;
  startedAt: string;
  lastEventAt: string;
  pageViews: number;
  returning: boolean;
  landingUrl: string | null;
  referrer: string | null;
  channel: string | null;
  source: string | null;
}

export interface JourneyExposure {
  id: string;
  campaignId: string | null;
  campaignName: string | null;
  engagementType: string;
  /** The agent who sent a manual invitation, and their name. */
  agentId: string | null;
  agentName: string | null;
  control: boolean;
  outcome: string | null;
  createdAt: string;
  shownAt: string | null;
  outcomeAt: string | null;
}

export interface CartLine {
  sku: string;
  name?: string;
  price: number;
  quantity: number;
}

/** A visitor's page (GET /api/v1/visitors/:id): the summary plus their journey. */
export interface VisitorJourney extends Omit<VisitorSummary, 'exposures'> {
  firstSeenAt: string;
  sessionCount: number;
  attributes: Record<string, { value: unknown; at: string }>;
  cartItems: CartLine[];
  traits: Record<string, string | number | boolean>;
  sectionViews: Record<string, number>;
  events: { name: string; count: number; lastAt: string }[];
  pages: JourneyPage[];
  sessions: JourneySession[];
  exposures: JourneyExposure[];
  /** The three features that raised or lowered the score most. */
  scoreFactors: ScoreFactor[];
}

export type {
  ActiveModel,
  FeatureImportance,
  ModelStatus,
  ScoreFactor,
  SiteModelSettingsView,
  TrainingRun,
} from '@beckon/protocol/model-api';
