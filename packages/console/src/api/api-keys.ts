import { request } from './http.ts';
import type { ApiKey, CreatedApiKey, List } from './types.ts';

export async function listApiKeys(): Promise<ApiKey[]> {
  return (await request<List<ApiKey>>('GET', '/api/v1/api-keys')).items;
}

export function createApiKey(name: string): Promise<CreatedApiKey> {
  return request('POST', '/api/v1/api-keys', { body: { name } });
}

export function revokeApiKey(id: string): Promise<void> {
  return request('DELETE', `/api/v1/api-keys/${encodeURIComponent(id)}`);
}
