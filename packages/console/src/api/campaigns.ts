import { request } from './http.ts';
import type { CampaignInput, CampaignRecord, CampaignStatus, List } from './types.ts';

export async function listCampaigns(): Promise<CampaignRecord[]> {
  return (await request<List<CampaignRecord>>('GET', '/api/v1/campaigns')).items;
}

export function getCampaign(id: string): Promise<CampaignRecord> {
  return request('GET', `/api/v1/campaigns/${encodeURIComponent(id)}`);
}

export function createCampaign(input: CampaignInput): Promise<CampaignRecord> {
  return request('POST', '/api/v1/campaigns', { body: input });
}

/** A change to a campaign: the parts given replace the stored ones; `null` clears an optional part. */
export type CampaignPatch = { [K in keyof Omit<CampaignInput, 'id'>]?: CampaignInput[K] | null };

export function updateCampaign(id: string, patch: CampaignPatch): Promise<CampaignRecord> {
  return request('PATCH', `/api/v1/campaigns/${encodeURIComponent(id)}`, { body: patch });
}

/** Pause, resume or activate a campaign without touching the rest of it. */
export function setCampaignStatus(id: string, status: CampaignStatus): Promise<CampaignRecord> {
  return updateCampaign(id, { status });
}

export function deleteCampaign(id: string): Promise<void> {
  return request('DELETE', `/api/v1/campaigns/${encodeURIComponent(id)}`);
}
