import { request } from './http.ts';
import type { Device, VisitorJourney, VisitorList } from './types.ts';

/** The live list's filters; empty ones are left out of the query. */
export interface VisitorFilters {
  siteId?: string;
  /** Substring of the current page's URL, title or section. */
  page?: string;
  returning?: boolean;
  device?: Device;
  cartMin?: number;
}

export function listVisitors(filters: VisitorFilters = {}): Promise<VisitorList> {
  const query = new URLSearchParams();
  for (const [key, value] of Object.entries(filters)) {
    if (value !== undefined && value !== '') query.set(key, String(value));
  }
  const qs = query.toString();
  return request('GET', `/api/v1/visitors${qs ? `?${qs}` : ''}`);
}

export function getVisitor(id: string, siteId?: string): Promise<VisitorJourney> {
  const qs = siteId ? `?siteId=${encodeURIComponent(siteId)}` : '';
  return request('GET', `/api/v1/visitors/${encodeURIComponent(id)}${qs}`);
}

export interface InviteInput {
  siteId?: string;
  skillId?: string;
  message?: string;
}

export interface InviteResult {
  exposureId: string;
  visitorId: string;
  siteId: string;
  /** `you`: it names the inviter, who gets the chat; `team`: they were not online with the skill. */
  from: 'you' | 'team';
}

/** Sends the visitor a chat invitation now (409 when they have no open connection). */
export function inviteVisitor(id: string, input: InviteInput): Promise<InviteResult> {
  return request('POST', `/api/v1/visitors/${encodeURIComponent(id)}/invite`, { body: input });
}
