import type {
  CommercePlatform,
  CommerceReceiver,
  CommerceReceiverCreated,
} from '@beckon/protocol/conversions-api';
import { request } from './http.ts';
import type { List } from './types.ts';

export type { CommercePlatform, CommerceReceiver, CommerceReceiverCreated };

export async function listReceivers(): Promise<CommerceReceiver[]> {
  return (await request<List<CommerceReceiver>>('GET', '/api/v1/commerce-receivers')).items;
}

export function createReceiver(input: {
  siteId: string;
  platform: CommercePlatform;
  secret?: string;
}): Promise<CommerceReceiverCreated> {
  return request('POST', '/api/v1/commerce-receivers', { body: input });
}

export function deleteReceiver(id: string): Promise<void> {
  return request('DELETE', `/api/v1/commerce-receivers/${encodeURIComponent(id)}`);
}
