import type {
  WebhookDelivery,
  WebhookEndpoint,
  WebhookEventType,
  WebhookNotice,
} from '@beckon/protocol/webhooks-api';
import { request } from './http.ts';
import type { List } from './types.ts';

export type { WebhookDelivery, WebhookEndpoint, WebhookEventType };
export type EndpointWithSecret = WebhookEndpoint & { secret: string };

const base = '/api/v1/webhooks';
const one = (id: string) => `${base}/${encodeURIComponent(id)}`;

export async function listWebhooks(): Promise<WebhookEndpoint[]> {
  return (await request<List<WebhookEndpoint>>('GET', base)).items;
}

export function createWebhook(body: {
  url: string;
  events?: WebhookEventType[];
  description?: string;
  kind?: 'webhook' | 'slack';
  slack?: {
    waitingMinutes: number | null;
    lowCsat: boolean;
    lowCsatAt?: number;
    slaBreach: boolean;
  };
}): Promise<EndpointWithSecret> {
  return request('POST', base, { body });
}

export function updateWebhook(id: string, body: { enabled?: boolean }): Promise<WebhookEndpoint> {
  return request('PATCH', one(id), { body });
}

export function deleteWebhook(id: string): Promise<void> {
  return request('DELETE', one(id));
}

export function rotateWebhook(id: string): Promise<EndpointWithSecret> {
  return request('POST', `${one(id)}/rotate`, { body: {} });
}

export async function listDeliveries(id: string): Promise<WebhookDelivery[]> {
  return (await request<List<WebhookDelivery>>('GET', `${one(id)}/deliveries?limit=50`)).items;
}

export function replayDelivery(id: string, deliveryId: string): Promise<WebhookDelivery> {
  return request('POST', `${one(id)}/deliveries/${encodeURIComponent(deliveryId)}/replay`);
}

export function replaySince(id: string, since: string): Promise<{ queued: number }> {
  return request('POST', `${one(id)}/replay`, { body: { since } });
}

export function webhookNotice(): Promise<WebhookNotice> {
  return request('GET', `${base}/notice`);
}
