/** Canned responses: the account's saved replies (agents read them, owners and admins manage them). */
import type {
  CannedResponse,
  CannedResponseCreate,
  CannedResponseUpdate,
} from '@beckon/protocol/canned-responses';
import { request } from './http.ts';
import type { List } from './types.ts';

export type { CannedResponse, CannedResponseCreate, CannedResponseUpdate };

export async function listCannedResponses(): Promise<CannedResponse[]> {
  return (await request<List<CannedResponse>>('GET', '/api/v1/canned-responses')).items;
}

export function createCannedResponse(input: CannedResponseCreate): Promise<CannedResponse> {
  return request('POST', '/api/v1/canned-responses', { body: input });
}

export function updateCannedResponse(id: string, patch: CannedResponseUpdate): Promise<CannedResponse> {
  return request('PATCH', `/api/v1/canned-responses/${encodeURIComponent(id)}`, { body: patch });
}

export function deleteCannedResponse(id: string): Promise<void> {
  return request('DELETE', `/api/v1/canned-responses/${encodeURIComponent(id)}`);
}
