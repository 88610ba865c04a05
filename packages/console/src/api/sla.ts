import type { SlaBreachList, SlaReport } from '@beckon/protocol/sla-api';
import { request } from './http.ts';
import { type ReportFilters, reportQuery } from './reports.ts';

export type { SlaBreachView, SlaReport, SlaReportRow } from '@beckon/protocol/sla-api';

/** Breaches recorded after `since` (agents: of their own conversations). */
export const listSlaBreaches = (since: string) =>
  request<SlaBreachList>('GET', `/api/v1/sla/breaches?${new URLSearchParams({ since })}`);

export const getSlaReport = (f: ReportFilters) =>
  request<SlaReport>('GET', `/api/v1/reports/sla?${reportQuery(f)}`);
