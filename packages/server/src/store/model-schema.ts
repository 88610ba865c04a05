/** Tables of the purchase-propensity model (migration 0006-model); timestamps are epoch ms. */

export type ModelStatusColumn = 'active' | 'retired' | 'rejected';

export interface ModelsTable {
  id: string;
  account_id: string;
  /** active (scoring now), retired (replaced by a newer one), rejected (did worse than the one it was compared with). */
  status: ModelStatusColumn;
  /** manual (console, API or CLI) or schedule. */
  trigger: string;
  /** The model JSON (`beckon-propensity-model`). */
  model: string;
  sessions: number;
  purchases: number;
  holdout_sessions: number;
  auroc: number;
  aupr: number;
  brier: number;
  baseline_auroc: number | null;
  message: string;
  trained_at: number;
  activated_at: number | null;
}

export interface ModelSessionsTable {
  /** The session id. */
  id: string;
  account_id: string;
  site_id: string;
  visitor_id: string;
  started_at: number;
  ended_at: number;
  /** JSON array: the live feature vector (frozen just before a purchase). */
  features: string;
  purchased: number;
  revenue: number;
  page_views: number;
  score: number | null;
}

export interface PageStatsTable {
  site_id: string;
  /** Days since 1970-01-01 (UTC). */
  day: number;
  page: string;
  account_id: string;
  pageviews: number;
  uniques: number;
  entrances: number;
  bounces: number;
  exits: number;
  revenue: number;
}

export interface ModelSiteSettingsTable {
  site_id: string;
  account_id: string;
  /** JSON object: section label → administrative | informational | product (null removes a default). */
  section_kinds: string;
  /** Kind of pages without a mapped label; null counts them in no kind. */
  unlabelled: string | null;
  /** JSON array of special days; null = the defaults. */
  special_days: string | null;
  updated_at: number;
}
