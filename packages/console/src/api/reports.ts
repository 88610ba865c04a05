import type { CallsReport } from '@beckon/protocol/call-reports-api';
import type {
  AgentsReport,
  CampaignLiftList,
  CampaignLiftReport,
  ChannelsReport,
  ConversationsReport,
  CountryLiftReport,
  FunnelReport,
  LiveReport,
  ScoreBandReport,
  UpliftBandReport,
} from '@beckon/protocol/reports-api';
import type { VariantsReport } from '@beckon/protocol/variants-report-api';
import { request } from './http.ts';

export type {
  CallAgentFigures,
  CallbackFigures,
  CallFigures,
  CallSkillFigures,
  CallsReport,
} from '@beckon/protocol/call-reports-api';

export type {
  AgentFigures,
  AgentsReport,
  ArmFigures,
  CampaignLift,
  CampaignLiftList,
  ChannelFigures,
  ChannelsReport,
  ConversationFigures,
  ConversationsReport,
  CountryLiftFigures,
  CountryLiftReport,
  DimensionFigures,
  FunnelReport,
  FunnelStage,
  LikeForLike,
  LiveReport,
  ScoreBandFigures,
  ScoreBandReport,
  TrendPoint,
  UpliftBandFigures,
  UpliftBandReport,
} from '@beckon/protocol/reports-api';

/** The filters the report tabs share; empty strings mean "all". */
export interface ReportFilters {
  /** YYYY-MM-DD, inclusive. */
  from: string;
  /** YYYY-MM-DD, inclusive. */
  to: string;
  siteId: string;
  campaignId: string;
  skillId: string;
  agentId: string;
  /** The browser's time zone, so days are the viewer's days. */
  tz: string;
}

export type ReportName = 'funnel' | 'conversations' | 'channels' | 'agents' | 'campaigns';

/** The query string of a report request (also the CSV link's). */
export function reportQuery(f: ReportFilters, extra: Record<string, string> = {}): string {
  const params = new URLSearchParams();
  for (const [k, v] of Object.entries({ ...f, ...extra })) if (v) params.set(k, v);
  return params.toString();
}

/** Where the CSV of a report table downloads from (the session cookie authenticates the GET). */
export function csvUrl(path: string, f: ReportFilters, extra: Record<string, string> = {}): string {
  return `/api/v1/reports/${path}?${reportQuery(f, { ...extra, format: 'csv' })}`;
}

export const getFunnel = (f: ReportFilters) =>
  request<FunnelReport>('GET', `/api/v1/reports/funnel?${reportQuery(f)}`);

export const getConversationsReport = (f: ReportFilters) =>
  request<ConversationsReport>('GET', `/api/v1/reports/conversations?${reportQuery(f)}`);

export const getChannelsReport = (f: ReportFilters) =>
  request<ChannelsReport>('GET', `/api/v1/reports/channels?${reportQuery(f)}`);

/** Calls per day, skill and agent, and callbacks by outcome; `channel` narrows to one channel's conversations. */
export const getCallsReport = (f: ReportFilters & { channel?: string }) =>
  request<CallsReport>('GET', `/api/v1/reports/calls?${reportQuery(f)}`);

export const getAgentsReport = (f: ReportFilters) =>
  request<AgentsReport>('GET', `/api/v1/reports/agents?${reportQuery(f)}`);

export const getLiftList = (f: ReportFilters) =>
  request<CampaignLiftList>('GET', `/api/v1/reports/campaigns?${reportQuery(f)}`);

export const getCampaignLift = (id: string, f: ReportFilters) =>
  request<CampaignLiftReport>(
    'GET',
    `/api/v1/reports/campaigns/${encodeURIComponent(id)}/lift?${reportQuery({ ...f, campaignId: '' })}`,
  );

export const getScoreBands = (id: string, f: ReportFilters) =>
  request<ScoreBandReport>(
    'GET',
    `/api/v1/reports/campaigns/${encodeURIComponent(id)}/bands?${reportQuery({ ...f, campaignId: '' })}`,
  );

export const getCountryLift = (id: string, f: ReportFilters) =>
  request<CountryLiftReport>(
    'GET',
    `/api/v1/reports/campaigns/${encodeURIComponent(id)}/countries?${reportQuery({ ...f, campaignId: '' })}`,
  );

export type {
  VariantArm,
  VariantComparison,
  VariantDay,
  VariantsReport,
  VariantVerdict,
} from '@beckon/protocol/variants-report-api';

/** A campaign's variants since it started (the period's start is left to the server), up to the filters' end. */
export const getVariants = (id: string, f: ReportFilters) =>
  request<VariantsReport>(
    'GET',
    `/api/v1/reports/campaigns/${encodeURIComponent(id)}/variants?${reportQuery({ ...f, from: '', campaignId: '' })}`,
  );

export const getUpliftBands = (id: string, f: ReportFilters) =>
  request<UpliftBandReport>(
    'GET',
    `/api/v1/reports/campaigns/${encodeURIComponent(id)}/uplift?${reportQuery({ ...f, campaignId: '' })}`,
  );

export const getLive = (siteId: string, tz: string) =>
  request<LiveReport>('GET', `/api/v1/reports/live?${new URLSearchParams(siteId ? { siteId, tz } : { tz })}`);
