/** The audit log and the account's retention limits. */
import type {
  AuditEntry,
  AuditPage,
  RetentionPolicy,
  RetentionSettings,
} from '@beckon/protocol/governance-api';
import { request } from './http.ts';

export type { AuditEntry, RetentionPolicy, RetentionSettings };

/** What the audit log is filtered by; empty strings mean "any". */
export interface AuditFilters {
  actor: string;
  action: string;
  targetType: string;
  /** yyyy-mm-dd, local days. */
  from: string;
  to: string;
}

export const EMPTY_AUDIT_FILTERS: AuditFilters = { actor: '', action: '', targetType: '', from: '', to: '' };

/** The filters as a query string (local days become instants; `to` includes its whole day). */
export function auditQuery(f: AuditFilters): URLSearchParams {
  const q = new URLSearchParams();
  if (f.actor) q.set('actor', f.actor);
  if (f.action) q.set('action', f.action);
  if (f.targetType) q.set('targetType', f.targetType);
  if (f.from) q.set('from', new Date(`${f.from}T00:00:00`).toISOString());
  if (f.to) q.set('to', new Date(new Date(`${f.to}T00:00:00`).getTime() + 86_400_000).toISOString());
  return q;
}

export function fetchAuditPage(f: AuditFilters, cursor?: string): Promise<AuditPage> {
  const q = auditQuery(f);
  q.set('limit', '50');
  if (cursor) q.set('cursor', cursor);
  return request('GET', `/api/v1/audit-log?${q}`);
}

/** Where the browser downloads the filtered log as CSV. */
export const auditCsvUrl = (f: AuditFilters): string => `/api/v1/audit-log/export.csv?${auditQuery(f)}`;

export const fetchRetention = () => request<RetentionSettings>('GET', '/api/v1/account/retention');
export const saveRetention = (policy: Partial<RetentionPolicy>) =>
  request<RetentionSettings>('PUT', '/api/v1/account/retention', { body: policy });
