import type { SiteWidgetLanguage } from '@beckon/protocol/widget-languages';
import { request } from './http.ts';
import type { List, Site } from './types.ts';

export interface SiteInput {
  name: string;
  allowedOrigins: string[];
  timeZone: string;
  /** Visitor addresses cut to their network (IPv4 /24, IPv6 /48) where they enter. */
  anonymizeIp?: boolean;
  recordCalls?: boolean;
  widgetLanguage?: SiteWidgetLanguage;
}

export async function listSites(): Promise<Site[]> {
  return (await request<List<Site>>('GET', '/api/v1/sites')).items;
}

export function createSite(input: SiteInput): Promise<Site> {
  return request('POST', '/api/v1/sites', { body: input });
}

export function updateSite(id: string, input: Partial<SiteInput>): Promise<Site> {
  return request('PATCH', `/api/v1/sites/${encodeURIComponent(id)}`, { body: input });
}

export function deleteSite(id: string): Promise<void> {
  return request('DELETE', `/api/v1/sites/${encodeURIComponent(id)}`);
}
